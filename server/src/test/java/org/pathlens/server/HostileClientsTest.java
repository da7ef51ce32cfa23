package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a hostile or broken client sends, on raw sockets (an HTTP library would not send most of
 * it), and what every route answers: always the JSON error body with the right status, including
 * the refusals Jetty makes before a route runs; stalled and trickling uploads are cut off at the
 * read deadline and cannot take the threads the other clients need.
 */
@ExtendWith(ServedIndex.Resolver.class)
class HostileClientsTest {

  private static final long MAX_UPLOAD = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PathLensServer server;

  @BeforeAll
  static void start(ServedIndex index) throws IOException {
    server = index.start(null, MAX_UPLOAD, 100_000, 1, 4);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  /** A raw answer: status, lower-cased head, body. */
  record Answer(int status, String head, byte[] body) {

    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }

    /** The JSON error body, with the status expected: never HTML, never a stack trace. */
    Answer assertJsonError(int expected, String what) throws IOException {
      String text = new String(body, StandardCharsets.UTF_8);
      assertEquals(expected, status, what + ": " + head + text);
      assertTrue(head.contains("content-type: application/json"), what + ": " + head);
      assertTrue(json().path("error").isTextual(), what + ": " + text);
      assertTrue(!text.contains("<html") && !text.contains("\tat "), what + ": " + text);
      return this;
    }

    String error() throws IOException {
      return json().path("error").asText();
    }
  }

  private static Answer send(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading all of an over-limit body
      }
      Answer answer = read(socket.getInputStream());
      if (answer == null) {
        throw new IOException("the server closed the connection without an answer");
      }
      return answer;
    }
  }

  /** The answer on {@code in}, or null when the server closed the connection without one. */
  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      // a reset after the answer: keep what arrived
    }
    String text = all.toString(StandardCharsets.ISO_8859_1);
    if (text.isEmpty()) {
      return null; // closed without an answer
    }
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no HTTP answer: '" + text + "'");
    }
    String head = text.substring(0, end).toLowerCase(Locale.ROOT);
    byte[] body = text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
    return new Answer(Integer.parseInt(head.substring(9, 12)), head, body);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String host() {
    return "127.0.0.1:" + server.port();
  }

  private static Answer request(String method, String path, String extraHeaders, String body)
      throws IOException {
    return send(
        ascii(
            method
                + " "
                + path
                + " HTTP/1.1\r\nHost: "
                + host()
                + "\r\n"
                + extraHeaders
                + "Content-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n"
                + body));
  }

  /** Every registered route as a request path: path parameters filled with indexed ids. */
  private static List<String[]> routes() {
    List<String[]> routes = new ArrayList<>();
    for (String route : server.registeredRoutes()) {
      String[] parts = route.split(" ", 2);
      String path =
          parts[1]
                  .replace("{id}", ServedIndex.SLIDE)
                  .replace("<id>", "no-such-tile")
                  .replace("{level}", "11")
                  .replace("{tile}", "0_0.jpeg")
                  .replace("{name}", "no-such-classifier")
              + "?k=1";
      routes.add(new String[] {parts[0], path});
    }
    assertTrue(routes.size() >= 15, routes.toString());
    return routes;
  }

  @Test
  void everyRouteAnswersEveryMalformedInputClassWithAJsonError() throws IOException {
    String boundary = "b0undary";
    String multipart = "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n";
    for (String[] route : routes()) {
      String method = route[0];
      String path = route[1];
      String what = method + " " + path;
      // PATCH: no route takes it (PUT replaces a saved classifier).
      request("PATCH", path, "", "").assertJsonError(405, "wrong method on " + what);
      send(ascii(
              method
                  + " "
                  + path
                  + "&pad="
                  + "a".repeat(9000)
                  + " HTTP/1.1\r\nHost: "
                  + host()
                  + "\r\nConnection: close\r\n\r\n"))
          .assertJsonError(414, "long URI on " + what);
      send(ascii(
              method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host()
                  + "\r\nX-Big: "
                  + "a".repeat(9000)
                  + "\r\nConnection: close\r\n\r\n"))
          .assertJsonError(431, "long header on " + what);
      send(ascii(
              method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n"))
          .assertJsonError(421, "foreign Host on " + what);
      if (method.equals("GET")) {
        continue;
      }
      Answer crossOrigin =
          request(method, path, "Origin: http://evil.example\r\n" + multipart, "--" + boundary);
      crossOrigin.assertJsonError(403, "cross-origin " + what);
      assertEquals("Origin", crossOrigin.json().path("parameter").asText(), what);
      if (path.startsWith("/api/session")) {
        continue; // sign-in and sign-out take no upload
      }
      if (path.startsWith("/api/classifiers") || path.startsWith("/api/search/refine")) {
        if (!method.equals("DELETE")) {
          request(method, path, "Content-Type: application/json\r\n", "{\"name\": [broken")
              .assertJsonError(400, "malformed JSON on " + what);
          send(chunkedUpload(method, path, boundary, (int) MAX_UPLOAD + 300_000))
              .assertJsonError(413, "chunked body over the limit on " + what);
        }
        continue; // saved classifiers and relevance feedback take a JSON body, no upload
      }
      request(method, path, multipart, "--" + boundary + "\r\nbroken")
          .assertJsonError(400, "malformed multipart on " + what);
      request(method, path, "Content-Type: application/json\r\n", "{}")
          .assertJsonError(415, "not multipart on " + what);
      Answer chunked = send(chunkedUpload(method, path, boundary, (int) MAX_UPLOAD + 300_000));
      chunked.assertJsonError(413, "chunked upload over the limit on " + what);
    }
  }

  /** A multipart upload sent in chunks, without a declared length, of {@code size} bytes. */
  private static byte[] chunkedUpload(String method, String path, String boundary, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ascii(
            method
                + " "
                + path
                + "&prompts=demo-crc9 HTTP/1.1\r\nHost: "
                + host()
                + "\r\nTransfer-Encoding: chunked\r\nContent-Type: multipart/form-data; boundary="
                + boundary
                + "\r\nConnection: close\r\n\r\n"));
    byte[] head =
        ascii(
            "--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n");
    writeChunk(out, head);
    byte[] chunk = new byte[64 * 1024];
    for (int sent = 0; sent < size; sent += chunk.length) {
      writeChunk(out, chunk);
    }
    out.writeBytes(ascii("0\r\n\r\n"));
    return out.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream out, byte[] chunk) {
    out.writeBytes(ascii(Integer.toHexString(chunk.length) + "\r\n"));
    out.writeBytes(chunk);
    out.writeBytes(ascii("\r\n"));
  }

  @Test
  void jettysOwnRefusalsAreJsonToo() throws IOException {
    send(ascii("GARBAGE\r\n\r\n")).assertJsonError(400, "no request line");
    send(ascii("GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n"))
        .assertJsonError(400, "no Host");
    send(ascii("GET /api/health HTTP/1.1\r\nHost: " + host() + "\r\nBad Header\r\n\r\n"))
        .assertJsonError(400, "a malformed header");
    send(ascii("GET /api/%zz HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n"))
        .assertJsonError(400, "a bad percent escape");
    send(ascii("GET /api/health\r\n\r\n")).assertJsonError(505, "HTTP/0.9");
    String error =
        send(ascii(
                "GET /api/search?text="
                    + "a".repeat(9000)
                    + " HTTP/1.1\r\nHost: "
                    + host()
                    + "\r\nConnection: close\r\n\r\n"))
            .assertJsonError(414, "long query")
            .error();
    assertTrue(error.contains("over 8192 bytes"), error);
  }

  /**
   * A slide whose source is no slide file (the markup tile's slide names a PNG): every view of it
   * fails, and no answer names a file or folder of the server.
   */
  @Test
  void noAnswerNamesAServerPath() throws IOException {
    String root = Path.of(server.config().index().toString()).getParent().toString();
    for (String view : List.of("heatmap.png", "overlay.png")) {
      Answer answer =
          request("GET", "/api/slides/XSS-1/" + view + "?prompts=demo-crc9&class=TUM", "", "");
      String body = new String(answer.body(), StandardCharsets.UTF_8);
      assertTrue(answer.status() >= 400, view + ": " + answer.status() + " " + body);
      assertTrue(!body.contains(root) && !body.contains("/tmp"), view + ": " + body);
    }
  }

  @Test
  void aPageOfTheServersOwnOriginMayPost() throws IOException {
    Answer own =
        request(
            "POST",
            "/api/search",
            "Origin: http://" + host() + "\r\nContent-Type: application/json\r\n",
            "{}");
    own.assertJsonError(415, "same-origin POST without an upload"); // past the Origin check
    assertTrue(OriginCheck.sameHost("https://pathlens.lab.example", "pathlens.lab.example"));
    assertTrue(!OriginCheck.sameHost("null", host()));
    assertTrue(!OriginCheck.sameHost("http://127.0.0.1:1", host()));
  }

  /**
   * Three times as many stalled uploads as the server receives at once, and one that trickles a
   * byte a second: the server keeps answering, refuses the uploads beyond its bound at once (503,
   * body unread), and cuts off the ones it was receiving once they fall under the minimum rate.
   */
  @Test
  void stalledAndTricklingUploadsCannotFreezeTheServer() throws Exception {
    int capacity = server.config().uploadsAtOnce();
    String boundary = "stall";
    byte[] stalledHead =
        ascii(
            "POST /api/search HTTP/1.1\r\nHost: "
                + host()
                + "\r\nContent-Type: multipart/form-data; boundary="
                + boundary
                + "\r\nContent-Length: 100000\r\n\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n");
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 3 * capacity; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write(stalledHead);
        stalled.add(socket);
      }
      Thread trickle =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 20; i++) {
                        Thread.sleep(1000);
                        for (Socket socket : stalled) {
                          socket.getOutputStream().write('x');
                        }
                      }
                    } catch (IOException | InterruptedException e) {
                      // cut off, as it should be
                    }
                  });
      Thread.sleep(500);
      long start = System.nanoTime();
      Answer health = request("GET", "/api/health", "", "");
      assertEquals(200, health.status(), health.head());
      Answer busy = send(stalledHead); // the server answers without waiting for this body
      double seconds = (System.nanoTime() - start) / 1e9;
      busy.assertJsonError(503, "an upload beyond the bound");
      assertTrue(busy.head().contains("retry-after"), busy.head());
      assertTrue(seconds < 2, "health and the 503 took " + seconds + " s");

      int refused = 0;
      int cutOff = 0;
      long deadline = UploadGate.GRACE_MS + 5_000;
      for (Socket socket : stalled) {
        socket.setSoTimeout((int) deadline);
        Answer answer;
        try {
          answer = read(socket.getInputStream());
        } catch (SocketTimeoutException e) {
          throw new AssertionError("a trickling upload was still open after " + deadline + " ms");
        }
        if (answer == null) {
          cutOff++; // closed mid-body: no answer can be sent
        } else {
          answer.assertJsonError(503, "an upload beyond the bound");
          refused++;
        }
      }
      trickle.interrupt();
      assertEquals(capacity, cutOff, "uploads received at once, then cut off");
      assertEquals(stalled.size() - capacity, refused, "uploads refused at once");
      assertEquals(200, request("GET", "/api/health", "", "").status());
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
  }
}
