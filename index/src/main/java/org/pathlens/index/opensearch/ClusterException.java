package org.pathlens.index.opensearch;

import java.io.IOException;

/**
 * OpenSearch refused or failed a request: the message names the cluster, HTTP status and reason.
 */
public final class ClusterException extends IOException {
  private final int status;

  public ClusterException(String message, int status) {
    super(message);
    this.status = status;
  }

  ClusterException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /** The HTTP status, or -1 when the cluster did not answer. */
  public int status() {
    return status;
  }
}
