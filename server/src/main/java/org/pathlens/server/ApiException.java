package org.pathlens.server;

/**
 * A request the API refuses, with the HTTP status to answer and, for a bad parameter, its name: the
 * client gets {@code {"error": message, "parameter": name}}.
 */
final class ApiException extends RuntimeException {

  private final int status;
  private final String parameter;

  ApiException(int status, String message, String parameter) {
    super(message);
    this.status = status;
    this.parameter = parameter;
  }

  ApiException(int status, String message, String parameter, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.parameter = parameter;
  }

  static ApiException badParameter(String parameter, String message) {
    return new ApiException(400, message, parameter);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message, null);
  }

  int status() {
    return status;
  }

  /** The parameter at fault, or null. */
  String parameter() {
    return parameter;
  }
}
