package org.pathlens.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Plain requests against a test server on 127.0.0.1: a GET (text or bytes), and a POST of one image
 * upload; each answer is checked against openapi.json ({@link OpenApiContract}).
 */
final class TestRequests {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String BOUNDARY = "pathlens-test-boundary";

  private TestRequests() {}

  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return OpenApiContract.SERVED.check(
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  /** A GET whose body is kept as bytes (images). */
  static HttpResponse<byte[]> getBytes(int port, String path)
      throws IOException, InterruptedException {
    return OpenApiContract.SERVED.check(
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** POSTs {@code image} as the multipart part {@code image} (file name tile.png). */
  static HttpResponse<String> postImage(int port, String path, byte[] image)
      throws IOException, InterruptedException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"tile.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(image);
    body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return OpenApiContract.SERVED.check(
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  /** POSTs {@code json} as an application/json body. */
  static HttpResponse<String> postJson(int port, String path, String json)
      throws IOException, InterruptedException {
    return OpenApiContract.SERVED.check(
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }
}
