package org.pathlens.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives itself, before a request reaches the routes (a request line or headers
 * too long, a malformed request, no Host, HTTP/0.9), in the API's JSON error body instead of
 * Jetty's HTML page: {@code {"error": ...}} with Jetty's status.
 */
final class JettyErrors extends ErrorHandler {

  /** Every method gets the body: Jetty writes one for GET, POST and HEAD only by default. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  static byte[] body(int code, String message) {
    return ErrorResponses.body(explain(code, message), null).getBytes(StandardCharsets.UTF_8);
  }

  /** Jetty's reason, with what to do about it where that is not obvious. */
  private static String explain(int code, String message) {
    String reason = message == null || message.isBlank() ? "HTTP " + code : message;
    return switch (code) {
      case 414 ->
          reason
              + ": the request line is over "
              + PathLensServer.MAX_REQUEST_HEADER_BYTES
              + " bytes (shorten the query or the filter)";
      case 431 ->
          reason + ": the headers are over " + PathLensServer.MAX_REQUEST_HEADER_BYTES + " bytes";
      default -> reason;
    };
  }
}
