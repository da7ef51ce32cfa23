package org.pathlens.index;

import java.io.IOException;

/**
 * The index cannot give a whole answer now: a cluster that is unreachable, or that answered from
 * fewer shards than the index has (a node down or recovering). A partial answer is never served as
 * a whole one; the caller is told to retry (the API answers 503 with {@code Retry-After}, the
 * command line one line and exit 2).
 */
public class IndexUnavailableException extends IOException {

  /** How long a client should wait before asking again: a restarted node rejoins in seconds. */
  public static final int RETRY_AFTER_SECONDS = 5;

  public IndexUnavailableException(String message) {
    super(message);
  }

  public IndexUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
