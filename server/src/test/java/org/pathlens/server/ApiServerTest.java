package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.index.slides.TilingOptions;
import org.pathlens.index.slides.TissueDetector;

/**
 * The API over real HTTP on an ephemeral port: an index of generated tiles (9 classes, one center)
 * and one generated slide, built with the demo bundle; the routes, and every refusal.
 */
class ApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_UPLOAD = 1024 * 1024;
  private static final String TOKEN = "s3cret-token";

  @TempDir static Path tmp;
  private static Path tiles;
  private static List<ManifestRow> manifest;
  private static PathLensServer server;
  private static PathLensServer guarded;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void buildIndexAndStart() throws IOException {
    tiles = tmp.resolve("tiles");
    Path manifestFile = SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 1, 5, 224, 2)).manifest();
    manifest = ManifestRow.read(manifestFile);
    Path slide = SyntheticSlide.write(tmp.resolve("slides/S-1.tiff"), new SyntheticSlide.Options(1536, 1024, "center-a",
        5, 7, PyramidTiffWriter.Compression.JPEG, 2)).slide();
    Path indexDir = tmp.resolve("index");
    try (VisionLanguageModel model = VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
        TileIndex index = TileIndex.open(indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults())) {
      new TileFolderIngest(model.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 16, 2)
          .ingest(tiles, manifestFile, index, IngestListener.NONE);
      new SlideIngest(model.images(), TilingOptions.defaults(), TissueDetector.defaults(), 16, 2, 256)
          .ingest(List.of(slide), index, IngestListener.NONE);
    }
    server = PathLensServer.start(config(indexDir, null, 2, 8));
    // Tiny and guarded: one inference thread, no queue, a token.
    guarded = PathLensServer.start(config(indexDir, TOKEN, 1, 0));
  }

  private static ServerConfig config(Path indexDir, String token, int threads, int queue) {
    return new ServerConfig(indexDir, Fixtures.demoBundle(), Fixtures.root().resolve("prompts/sets"), "127.0.0.1", 0,
        token, MAX_UPLOAD, 100_000, threads, queue, null, EncoderOptions.defaults().withThreads(2));
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    if (guarded != null) {
      guarded.close();
    }
  }

  @Test
  void healthNamesModelAndCounts() throws Exception {
    JsonNode body = json(get("/api/health"), 200);
    assertEquals("ok", body.get("status").asText());
    assertEquals("pathlens-demo-crc9", body.get("model").asText());
    assertTrue(body.get("tiles").asInt() > manifest.size(), body.toString());
    assertEquals(1, body.get("slides").asInt());
  }

  @Test
  void textSearchFindsFatFirstWithThumbnailsThatResolve() throws Exception {
    JsonNode hits = json(get("/api/search?text=" + q("large empty fat cells") + "&k=5&filter=" + q("-slide_id:S-1")), 200)
        .get("hits");
    assertEquals(5, hits.size());
    assertEquals("ADI", hits.get(0).get("label").asText(), hits.toString());
    assertFalse(hits.get(0).has("source"), "server paths stay on the server");
    for (JsonNode hit : hits) {
      HttpResponse<byte[]> image = get(hit.get("thumbnail_url").asText());
      assertEquals(200, image.statusCode());
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image.body()));
      assertNotNull(decoded, hit.toString());
      assertEquals(224, decoded.getWidth());
    }
    // A slide tile's pixels are read from the slide.
    JsonNode slideHit = json(get("/api/search?text=tissue&k=1&filter=slide_id:S-1"), 200).get("hits").get(0);
    assertTrue(slideHit.get("id").asText().startsWith("S-1@"), slideHit.toString());
    HttpResponse<byte[]> region = get(slideHit.get("thumbnail_url").asText());
    assertEquals("image/png", region.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(224, ImageIO.read(new ByteArrayInputStream(region.body())).getWidth());
  }

  @Test
  void imageSearchFindsTheUploadedTileItself() throws Exception {
    ManifestRow tile = manifest.get(3);
    JsonNode hits = json(post("/api/search?k=3", tileUpload(tile), null), 200).get("hits");
    assertEquals(tile.tileId(), hits.get(0).get("id").asText());
    assertTrue(hits.get(0).get("score").asDouble() > 0.999, hits.toString());
  }

  @Test
  void similarCasesLeaveTheQuerySlideOut() throws Exception {
    JsonNode slides = json(get("/api/similar?slide=S-1&k=3"), 200).get("slides");
    assertTrue(slides.size() > 0);
    for (JsonNode s : slides) {
      assertFalse(s.get("slide_id").asText().equals("S-1"), slides.toString());
    }
    JsonNode byImage = json(post("/api/similar?k=2", tileUpload(manifest.getFirst()), null), 200).get("slides");
    assertEquals(manifest.getFirst().slideId(), byImage.get(0).get("slide_id").asText());
    assertError(get("/api/similar?slide=nope"), 404, null);
    assertError(get("/api/similar?slide=S-1&method=median"), 400, "method");
  }

  @Test
  void classifyAnUploadedTile() throws Exception {
    ManifestRow fat = manifest.stream().filter(r -> r.label().equals("ADI")).findFirst().orElseThrow();
    byte[] body = multipart(List.of(filePart("image", "fat.png", Files.readAllBytes(tiles.resolve(fat.path()))),
        fieldPart("prompts", "demo-crc9")));
    JsonNode result = json(post("/api/classify", body, null), 200);
    assertEquals("ADI", result.get("prediction").asText(), result.toString());
    assertEquals(9, result.get("probabilities").size());
    double sum = 0;
    for (JsonNode p : result.get("probabilities")) {
      sum += p.asDouble();
    }
    assertEquals(1.0, sum, 1e-4);
    assertError(post("/api/classify", multipart(List.of(filePart("image", "fat.png",
        Files.readAllBytes(tiles.resolve(fat.path()))), fieldPart("prompts", "../../etc/passwd"))), null), 400, "prompts");
  }

  @Test
  void slideClassificationAndHeatmap() throws Exception {
    JsonNode result = json(get("/api/slides/S-1/classify?prompts=demo-crc9"), 200);
    assertEquals("S-1", result.get("slide_id").asText());
    assertEquals(9, result.get("probabilities").size());
    assertTrue(result.get("pooling").asText().startsWith("topk:"), result.toString());
    String heatmapUrl = result.get("heatmap_url").asText();
    assertTrue(heatmapUrl.endsWith("class=" + result.get("prediction").asText()), heatmapUrl);
    HttpResponse<byte[]> heatmap = get(heatmapUrl);
    assertEquals(200, heatmap.statusCode());
    assertEquals("image/png", heatmap.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(ImageIO.read(new ByteArrayInputStream(heatmap.body())).getWidth() > 256);

    assertError(get("/api/slides/S-1/classify?prompts=demo-crc9&class=XYZ"), 400, "class");
    assertError(get("/api/slides/S-1/heatmap.png?prompts=demo-crc9"), 400, "class");
    assertError(get("/api/slides/S-1/classify"), 400, "prompts");
    assertError(get("/api/slides/S-2/classify?prompts=demo-crc9"), 404, null);
  }

  @Test
  void slidesPromptsAndThumbnails() throws Exception {
    JsonNode slides = json(get("/api/slides"), 200).get("slides");
    assertEquals(1, slides.size());
    assertEquals("S-1", slides.get(0).get("slide_id").asText());
    assertEquals(1536, slides.get(0).get("width").asInt());
    JsonNode slide = json(get("/api/slides/S-1"), 200);
    assertEquals("generic-tiff", slide.get("vendor").asText());
    assertFalse(slide.has("path"));
    HttpResponse<byte[]> thumbnail = get(slide.get("thumbnail_url").asText());
    assertEquals(256, ImageIO.read(new ByteArrayInputStream(thumbnail.body())).getWidth());
    assertError(get("/api/slides/S-9"), 404, null);
    assertError(get("/api/slides/S-9/thumbnail.png"), 404, null);

    List<String> names = new ArrayList<>();
    json(get("/api/prompts"), 200).get("prompt_sets").forEach(s -> names.add(s.get("name").asText()));
    assertTrue(names.contains("demo-crc9") && names.contains("crc-nct9"), names.toString());
  }

  @Test
  void badUploadsAreRefusedWithTheRightStatus() throws Exception {
    // Declared length over the limit: refused before the body is read.
    byte[] huge = new byte[(int) MAX_UPLOAD + 200_000];
    assertError(post("/api/search", multipart(List.of(filePart("image", "big.png", huge))), null), 413, null);
    // Sent without a length (chunked): Jetty's multipart limit stops it, still a JSON 413.
    try (HttpClient fresh = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> chunked = fresh.send(HttpRequest.newBuilder(uri(server, "/api/search"))
          .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
          .POST(HttpRequest.BodyPublishers.ofInputStream(
              () -> new ByteArrayInputStream(multipart(List.of(filePart("image", "big.png", huge)))))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertError(chunked, 413, "image");
    }
    // A broken multipart body.
    assertError(post("/api/search", "--nonsense".getBytes(StandardCharsets.UTF_8), null), 400, "image");
    // Within multipart slack, but the part itself is over the limit.
    byte[] over = new byte[(int) MAX_UPLOAD + 10];
    assertError(post("/api/search", multipart(List.of(filePart("image", "big.png", over))), null), 413, "image");
    // Too many pixels, from the header (400 x 400 > 100,000).
    assertError(post("/api/search", multipart(List.of(filePart("image", "wide.png", png(400, 400)))), null), 400, "image");
    // Not an image.
    assertError(post("/api/similar", multipart(List.of(filePart("image", "notes.txt",
        "just text".getBytes(StandardCharsets.UTF_8)))), null), 415, "image");
    // No image part; not multipart at all.
    assertError(post("/api/search", multipart(List.of(fieldPart("text", "x"))), null), 400, "image");
    HttpResponse<byte[]> plain = http.send(HttpRequest.newBuilder(uri(server, "/api/search"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertError(plain, 415, "image");
  }

  @Test
  void badParametersNameTheParameter() throws Exception {
    assertError(get("/api/search"), 400, "text");
    assertError(get("/api/search?text=fat&k=abc"), 400, "k");
    assertError(get("/api/search?text=fat&k=0"), 400, "k");
    assertError(get("/api/search?text=fat&filter=" + q("site:(")), 400, "filter");
    assertError(get("/api/similar"), 400, "slide");
    assertError(get("/api/nowhere"), 404, null);
  }

  @Test
  void onlyIndexedIdsServeFilesAndTraversalNeverDoes() throws Exception {
    assertError(get("/api/tiles/no-such-tile/image"), 404, null);
    for (String path : List.of("/api/tiles/..%2F..%2Fetc%2Fpasswd/image", "/api/tiles/%2Fetc%2Fpasswd/image",
        "/api/tiles/..%252F..%252Fetc%252Fpasswd/image", "/api/slides/..%2F..%2Fetc%2Fpasswd/thumbnail.png",
        "/api/slides/..%2Fslides%2FS-1/thumbnail.png")) {
      HttpResponse<byte[]> response = get(path);
      assertTrue(response.statusCode() == 404 || response.statusCode() == 400, path + " gave " + response.statusCode());
      String body = new String(response.body(), StandardCharsets.UTF_8);
      assertFalse(body.contains("root:"), path);
      assertTrue(body.startsWith("{"), path + ": " + body);
    }
  }

  @Test
  void tokenProtectsEveryRoute() throws Exception {
    assertError(send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/health")).GET()), 401, null);
    assertError(send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/tiles/x/image")).GET()), 401, null);
    assertError(send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/health")).header("Authorization", "Bearer wrong").GET()),
        401, null);
    assertEquals(200, send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/health"))
        .header("Authorization", "Bearer " + TOKEN).GET()).statusCode());
    assertEquals(200, send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/openapi.json"))
        .header("X-PathLens-Token", TOKEN).GET()).statusCode());
  }

  @Test
  void saturatedInferenceAnswers503WithRetryAfter() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    var blocker = guarded.inference().submit(() -> {
      running.countDown();
      release.await();
      return null;
    });
    try {
      running.await();
      HttpResponse<byte[]> busy = send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/search?text=fat"))
          .header("X-PathLens-Token", TOKEN).GET());
      assertError(busy, 503, null);
      assertEquals("1", busy.headers().firstValue("Retry-After").orElseThrow());
    } finally {
      release.countDown();
      blocker.join();
    }
    assertEquals(200, send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/search?text=fat"))
        .header("X-PathLens-Token", TOKEN).GET()).statusCode());
  }

  @Test
  void openApiDescribesEveryRegisteredRoute() throws Exception {
    JsonNode paths = json(get("/api/openapi.json"), 200).get("paths");
    List<String> routes = server.registeredRoutes();
    assertTrue(routes.size() >= 14, routes.toString());
    for (String route : routes) {
      String[] parts = route.split(" ", 2);
      JsonNode path = paths.get(parts[1]);
      assertNotNull(path, "OpenAPI lacks path " + parts[1]);
      assertNotNull(path.get(parts[0].toLowerCase()), "OpenAPI lacks " + route);
    }
    // And describes nothing that is not there.
    List<String> described = new ArrayList<>();
    paths.properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> described.add(m.toUpperCase() + " " + p.getKey())));
    assertEquals(routes, described.stream().sorted().toList());
  }

  // --- HTTP helpers ---

  private static URI uri(PathLensServer s, String path) {
    return URI.create("http://127.0.0.1:" + s.port() + path);
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return send(server, HttpRequest.newBuilder(uri(server, path)).GET());
  }

  private static HttpResponse<byte[]> post(String path, byte[] multipart, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(server, path))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart));
    // A fresh connection per upload: a server may close one after refusing a body it did not read.
    try (HttpClient fresh = HttpClient.newHttpClient()) {
      return fresh.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
  }

  private static HttpResponse<byte[]> send(PathLensServer s, HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> response, int status) throws IOException {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertEquals(status, response.statusCode(), body);
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), body);
    return JSON.readTree(body);
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String parameter) throws IOException {
    JsonNode body = json(response, status);
    assertTrue(body.hasNonNull("error") && !body.get("error").asText().isBlank(), body.toString());
    if (parameter != null) {
      assertEquals(parameter, body.path("parameter").asText(null), body.toString());
    }
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static final String BOUNDARY = "pathlens-test-boundary";

  private static byte[] tileUpload(ManifestRow tile) throws IOException {
    return multipart(List.of(filePart("image", "tile.png", Files.readAllBytes(tiles.resolve(tile.path())))));
  }

  private static byte[] filePart(String name, String filename, byte[] content) {
    String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    return concat(head.getBytes(StandardCharsets.UTF_8), content, "\r\n".getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] fieldPart(String name, String value) {
    return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] multipart(List<byte[]> parts) {
    List<byte[]> all = new ArrayList<>(parts);
    all.add(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return concat(all.toArray(byte[][]::new));
  }

  private static byte[] concat(byte[]... chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] c : chunks) {
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  private static byte[] png(int width, int height) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }
}
