package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A token-less server on 127.0.0.1 answers only to loopback names (a web page cannot read it
 * through DNS rebinding), and every answer carries the security headers.
 */
@ExtendWith(ServedIndex.Resolver.class)
class HostAndHeadersTest {

  private static PathLensServer server;

  @BeforeAll
  static void start(ServedIndex index) throws IOException {
    server = index.start(null, 1 << 20, 100_000, 1, 4);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  /**
   * The raw answer to a GET with the given Host header (HttpClient will not send a foreign Host).
   */
  private static String rawGet(String path, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aForeignHostIsRefusedWithAJson421AndLoopbackNamesAreServed() throws Exception {
    String foreign = rawGet("/api/health", "attacker.example");
    assertTrue(foreign.startsWith("HTTP/1.1 421"), foreign);
    assertTrue(foreign.contains("\"parameter\":\"Host\""), foreign);
    assertTrue(foreign.contains("not this server's name"), foreign);
    for (String host :
        new String[] {
          "localhost:" + server.port(), "127.0.0.1:" + server.port(), "[::1]:" + server.port()
        }) {
      String answer = rawGet("/api/health", host);
      assertTrue(answer.startsWith("HTTP/1.1 200"), host + ": " + answer);
    }
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String path : new String[] {"/api/health", "/api/no-such-route", "/"}) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(
          "nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
      assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""), path);
      assertTrue(
          response
              .headers()
              .firstValue("Content-Security-Policy")
              .orElse("")
              .contains("frame-ancestors 'none'"),
          path);
    }
  }

  @Test
  void aKnownRouteAskedWithAnotherMethodIsAJson405() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String[] call : new String[][] {{"POST", "/api/health"}, {"DELETE", "/api/search"}}) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + call[1]))
                  .method(call[0], HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, response.statusCode(), call[0] + " " + call[1] + ": " + response.body());
      assertTrue(
          response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
          response.headers().toString());
      assertTrue(response.body().startsWith("{\"error\":"), response.body());
    }
  }
}
