package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pathlens.fixtures.synth.ManifestRow;

/**
 * Every route of {@code openapi.json}, asked for real over the {@link ServedIndex}: its success and
 * its refusals, each answer validated against the document ({@link OpenApiContract}); then every
 * operation must have answered its success and at least one error, and every status the document
 * declares must have been seen here, or in the test named in {@link #ELSEWHERE} (whose answers go
 * through the same contract).
 */
@ExtendWith(ServedIndex.Resolver.class)
class OpenApiConformanceTest {

  /**
   * Statuses this class cannot provoke cheaply on the shared index, and the tests that do, through
   * {@link OpenApiContract} as well.
   */
  static final Map<Integer, String> ELSEWHERE =
      Map.of(
          408, "HostileClientsTest (a stalled upload, on a raw socket)",
          421, "HostAndHeadersTest (a foreign Host, on a raw socket)",
          422, "PreProjectionApiTest (a bundle of pre-projection features)",
          429, "WrongTokensTest (eleven wrong tokens)",
          500, "NonFiniteApiTest (a model that outputs NaN), DamagedSlideRecordsTest",
          503, "ApiServerTest (saturated inference), PartialClusterApiTest (a cluster node down)");

  private static final String BOUNDARY = "pathlens-openapi-boundary";
  private static final String SLIDE = ServedIndex.SLIDE;

  private static PathLensServer open;
  private static PathLensServer guarded;
  private static List<ManifestRow> manifest;
  private static java.nio.file.Path tiles;
  private static final OpenApiContract contract = OpenApiContract.SERVED;
  private static final Map<String, Set<Integer>> seenHere = new TreeMap<>();

  @BeforeAll
  static void start(ServedIndex index) throws Exception {
    manifest = index.manifest();
    tiles = index.tiles();
    open = index.start(null, ApiServerTest.MAX_UPLOAD, 100_000, 2, 8);
    guarded = index.start(ServedIndex.TOKEN, ApiServerTest.MAX_UPLOAD, 100_000, 1, 4);
  }

  @AfterAll
  static void stop() throws java.io.IOException {
    if (open != null) {
      open.close();
    }
    if (guarded != null) {
      guarded.close();
    }
  }

  @Test
  void everyRouteAnswersAsDocumented() throws Exception {
    String tile = URLEncoder.encode(manifest.getFirst().tileId(), StandardCharsets.UTF_8);
    byte[] upload = upload(Files.readAllBytes(tiles.resolve(manifest.getFirst().path())));
    List<String> slideReads =
        List.of(
            "",
            "/thumbnail.png",
            "/classify?prompts=demo-crc9",
            "/heatmap.png?prompts=demo-crc9&class=ADI",
            "/overlay.png?prompts=demo-crc9&class=ADI",
            "/zeroshot.geojson?prompts=demo-crc9",
            "/zeroshot.geojson?prompts=demo-crc9&object_type=detection",
            "/image.dzi",
            "/image_files/11/0_0.jpeg");

    ask(open, "GET", "/api/health", null, null, 200);
    ask(open, "GET", "/api/openapi.json", null, null, 200);
    ask(open, "GET", "/api/prompts", null, null, 200);
    ask(open, "GET", "/api/facets", null, null, 200);
    ask(open, "GET", "/api/slides", null, null, 200);
    ask(open, "GET", "/api/patients", null, null, 200);
    ask(open, "GET", "/api/patients?allow_partial=maybe", null, null, 400);
    ask(open, "GET", "/api/search?text=fat&level=patient&k=2", null, null, 200);
    ask(open, "GET", "/api/similar?patient=nobody", null, null, 404);
    ask(open, "GET", "/api/search?text=fat&k=3", null, null, 200);
    ask(open, "GET", "/api/search?tile=" + tile + "&k=2", null, null, 200);
    ask(open, "GET", "/api/search?text=fat&k=zero", null, null, 400);
    ask(open, "GET", "/api/search?tile=no-such-tile", null, null, 404);
    ask(
        open,
        "POST",
        "/api/search/refine",
        ("{\"text\":\"fat\",\"k\":3,\"relevant\":[\"" + manifest.getFirst().tileId() + "\"]}")
            .getBytes(StandardCharsets.UTF_8),
        "application/json",
        200);
    ask(
        open,
        "POST",
        "/api/search/refine",
        "{\"text\":\"fat\",\"relevant\":[\"no-such-tile\"]}".getBytes(StandardCharsets.UTF_8),
        "application/json",
        400);
    ask(open, "GET", "/api/similar?slide=" + SLIDE + "&k=2", null, null, 200);
    ask(open, "GET", "/api/similar?slide=nope", null, null, 404);
    ask(open, "GET", "/api/similar?slide=" + SLIDE + "&method=median", null, null, 400);
    ask(open, "GET", "/api/tiles/" + tile + "/image", null, null, 200);
    ask(open, "GET", "/api/tiles/no-such-tile/image", null, null, 404);
    for (String read : slideReads) {
      ask(open, "GET", "/api/slides/" + SLIDE + read, null, null, 200);
      ask(open, "GET", "/api/slides/S-9" + read, null, null, 404);
    }
    ask(open, "GET", "/api/slides/" + SLIDE + "/classify?prompts=../x", null, null, 400);
    ask(
        open,
        "GET",
        "/api/slides/" + SLIDE + "/zeroshot.geojson?prompts=demo-crc9&object_type=cell",
        null,
        null,
        400);
    for (String path :
        List.of("/api/search?k=2", "/api/similar?k=2", "/api/classify?prompts=demo-crc9")) {
      ask(open, "POST", path, upload, null, 200);
    }
    ask(open, "POST", "/api/preview", upload, null, 200);
    ask(open, "POST", "/api/search?k=-1", upload, null, 400);
    ask(open, "POST", "/api/similar?k=-1", upload, null, 400);
    ask(open, "POST", "/api/classify?prompts=../x", upload, null, 400);
    // A multipart body cut off in its first part's headers.
    ask(open, "POST", "/api/preview", ("--" + BOUNDARY + "\r\nContent-Disp").getBytes(), null, 400);
    for (String path : List.of("/api/search", "/api/similar", "/api/classify", "/api/preview")) {
      ask(open, "POST", path, "{}".getBytes(StandardCharsets.UTF_8), "application/json", 415);
      ask(open, "POST", path, new byte[(int) ApiServerTest.MAX_UPLOAD * 2], null, 413);
      // A form posted from another site's page (cross-site request forgery) is refused.
      assertEquals(
          403,
          send(open, "POST", path, upload, null, Map.of("Origin", "http://evil.example"))
              .statusCode());
    }
    savedClassifierRoutesAnswerAsDocumented(upload);
    ask(open, "POST", "/api/session", new byte[0], "application/json", 204);
    ask(open, "DELETE", "/api/session", null, null, 204);
    assertEquals(
        403,
        send(open, "DELETE", "/api/session", null, null, Map.of("Origin", "http://evil.example"))
            .statusCode());

    // With a token: every route but the session's refuses a request without it.
    ask(
        guarded,
        "POST",
        "/api/session",
        "{\"token\":\"wrong\"}".getBytes(),
        "application/json",
        401);
    ask(guarded, "POST", "/api/session", "not json".getBytes(), "application/json", 400);
    for (OpenApiContract.Operation op : contract.operations()) {
      if (op.template().equals("/api/session")) {
        continue;
      }
      String path =
          op.template()
              .replace("{id}", op.template().startsWith("/api/tiles") ? tile : SLIDE)
              .replace("{level}", "11")
              .replace("{name}", "tumor")
              .replace("{tile}", "0_0.jpeg");
      ask(guarded, op.method(), path, op.method().equals("POST") ? upload : null, null, 401);
    }

    Map<String, Set<Integer>> missing = new TreeMap<>();
    Map<String, Set<Integer>> declared = contract.declared();
    Set<Integer> seenStatuses = new TreeSet<>();
    seenHere.values().forEach(seenStatuses::addAll);
    for (var op : declared.entrySet()) {
      Set<Integer> seen = seenHere.getOrDefault(op.getKey(), Set.of());
      if (seen.stream().noneMatch(s -> s < 300) || seen.stream().noneMatch(s -> s >= 400)) {
        missing.put(op.getKey(), seen);
      }
    }
    assertTrue(missing.isEmpty(), "operations without a success and an error seen: " + missing);
    Set<Integer> neverSeen = new TreeSet<>();
    declared.values().forEach(neverSeen::addAll);
    neverSeen.removeAll(seenStatuses);
    neverSeen.removeAll(ELSEWHERE.keySet());
    assertTrue(
        neverSeen.isEmpty(),
        "statuses openapi.json declares that no request here provoked: "
            + neverSeen
            + " (provoke them, or name the test that does in ELSEWHERE)");
  }

  /**
   * The saved-classifier routes, and a saved classifier wherever a prompt set goes; the classifier
   * is deleted again, so the shared index is left as it was found.
   */
  private static void savedClassifierRoutesAnswerAsDocumented(byte[] upload) throws Exception {
    String a = json(manifest.get(0).tileId());
    String b = json(manifest.get(1).tileId());
    String name = "openapi%20tumor";
    ask(open, "GET", "/api/classifiers", null, null, 200);
    ask(open, "POST", "/api/classifiers", body("openapi tumor", a, b), JSON, 201);
    ask(open, "POST", "/api/classifiers", body("openapi tumor", a, b), JSON, 409);
    ask(open, "POST", "/api/classifiers", body("../x", a, b), JSON, 400);
    ask(open, "POST", "/api/classifiers", body("openapi x", a, a), JSON, 400);
    ask(open, "POST", "/api/classifiers", "[]".getBytes(StandardCharsets.UTF_8), JSON, 400);
    ask(open, "GET", "/api/classifiers/" + name, null, null, 200);
    ask(open, "GET", "/api/classifiers/nope", null, null, 404);
    ask(open, "PUT", "/api/classifiers/" + name, body(null, b, a), JSON, 200);
    ask(open, "PUT", "/api/classifiers/" + name, body("other", b, a), JSON, 400);
    ask(open, "PUT", "/api/classifiers/nope", body(null, b, a), JSON, 404);
    for (String read :
        List.of(
            "/classify?classifier=" + name,
            "/heatmap.png?classifier=" + name + "&class=openapi%20tumor",
            "/overlay.png?classifier=" + name + "&class=not%20openapi%20tumor",
            "/zeroshot.geojson?classifier=" + name)) {
      ask(open, "GET", "/api/slides/" + SLIDE + read, null, null, 200);
    }
    ask(
        open,
        "GET",
        "/api/slides/" + SLIDE + "/classify?classifier=" + name + "&prompts=demo-crc9",
        null,
        null,
        400);
    ask(open, "GET", "/api/slides/" + SLIDE + "/classify?classifier=nope", null, null, 400);
    ask(open, "POST", "/api/classify?classifier=" + name, upload, null, 200);
    ask(open, "DELETE", "/api/classifiers/" + name, null, null, 204);
    ask(open, "DELETE", "/api/classifiers/" + name, null, null, 404);
  }

  private static final String JSON = "application/json";

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A POST or PUT body: {@code name} (null: none), one relevant and one not-relevant tile. */
  private static byte[] body(String name, String relevant, String notRelevant) {
    return ((name == null ? "{" : "{\"name\":" + json(name) + ",")
            + "\"relevant\":["
            + relevant
            + "],\"not_relevant\":["
            + notRelevant
            + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Sends the request, checks it against the document, and asserts its status. */
  private static void ask(
      PathLensServer server,
      String method,
      String path,
      byte[] body,
      String contentType,
      int expected)
      throws Exception {
    HttpResponse<byte[]> answer = send(server, method, path, body, contentType, Map.of());
    assertEquals(
        expected,
        answer.statusCode(),
        method + " " + path + ": " + new String(answer.body(), StandardCharsets.UTF_8));
  }

  private static HttpResponse<byte[]> send(
      PathLensServer server,
      String method,
      String path,
      byte[] body,
      String contentType,
      Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request
          .header(
              "Content-Type",
              contentType != null ? contentType : "multipart/form-data; boundary=" + BOUNDARY)
          .expectContinue(true);
    }
    headers.forEach(request::header);
    // A fresh connection each: a server may close one after refusing a body it did not read.
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> answer =
          contract.check(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
      contract
          .operation(method, URI.create(answer.uri().toString()).getRawPath())
          .ifPresent(
              op ->
                  seenHere
                      .computeIfAbsent(op.name(), k -> new TreeSet<>())
                      .add(answer.statusCode()));
      return answer;
    }
  }

  /** A multipart body with the image in the part {@code image}. */
  private static byte[] upload(byte[] image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"tile.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(image);
    out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
