package org.pathlens.encoders.bundle;

import java.nio.file.Path;

/**
 * A model bundle that cannot be used: the message names the file and says what is wrong with it, so
 * a user can fix the export without reading a native stack trace.
 */
public class BundleException extends RuntimeException {

  private final Path file;

  public BundleException(Path file, String problem) {
    this(file, problem, null);
  }

  public BundleException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The bundle file (or directory) at fault. */
  public Path file() {
    return file;
  }
}
