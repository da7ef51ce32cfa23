package org.pathlens.encoders.export;

/** An export the user can fix (no Python, a library missing, a checkpoint that does not fit). */
public final class ExportException extends RuntimeException {

  public ExportException(String message) {
    super(message);
  }

  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
