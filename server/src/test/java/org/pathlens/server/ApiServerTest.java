package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.index.TileRecord;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.prompts.slides.TileFootprint;
import org.pathlens.prompts.slides.TileUuids;
import org.pathlens.testkit.GeoJsonCheck;

/**
 * The API over real HTTP on an ephemeral port, over the {@link ServedIndex}: the routes, and every
 * refusal.
 */
@ExtendWith(ServedIndex.Resolver.class)
class ApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final long MAX_UPLOAD = 1024 * 1024;
  static final String TOKEN = ServedIndex.TOKEN;

  static Path tiles;
  static List<ManifestRow> manifest;
  static PathLensServer server;
  static PathLensServer guarded;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start(ServedIndex index) throws IOException {
    tiles = index.tiles();
    manifest = index.manifest();
    // At most 100,000 pixels an upload, to test that refusal with a small image.
    server = index.start(null, MAX_UPLOAD, 100_000, 2, 8);
    // Tiny and guarded: one inference thread, no queue, a token.
    guarded = index.start(TOKEN, MAX_UPLOAD, 100_000, 1, 0);
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
    assertFalse(body.get("token_required").asBoolean());
  }

  @Test
  void textSearchFindsFatFirstWithThumbnailsThatResolve() throws Exception {
    JsonNode hits =
        json(
                get(
                    "/api/search?text="
                        + q("large empty fat cells")
                        + "&k=5&filter="
                        + q("-slide_id:S-1")),
                200)
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
    JsonNode slideHit =
        json(get("/api/search?text=tissue&k=1&filter=slide_id:S-1"), 200).get("hits").get(0);
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
    JsonNode byImage =
        json(post("/api/similar?k=2", tileUpload(manifest.getFirst()), null), 200).get("slides");
    assertEquals(manifest.getFirst().slideId(), byImage.get(0).get("slide_id").asText());
    // A url only where there is a slide page: the generated tiles' slides have no record.
    for (JsonNode s : byImage) {
      assertEquals(s.get("slide_id").asText().equals("S-1"), s.has("url"), s.toString());
    }
    assertError(get("/api/similar?slide=nope"), 404, null);
    assertError(get("/api/similar?slide=S-1&method=median"), 400, "method");
  }

  @Test
  void classifyAnUploadedTile() throws Exception {
    ManifestRow fat =
        manifest.stream().filter(r -> r.label().equals("ADI")).findFirst().orElseThrow();
    byte[] body =
        multipart(
            List.of(
                filePart("image", "fat.png", Files.readAllBytes(tiles.resolve(fat.path()))),
                fieldPart("prompts", "demo-crc9")));
    JsonNode result = json(post("/api/classify", body, null), 200);
    assertEquals("ADI", result.get("prediction").asText(), result.toString());
    assertEquals(9, result.get("probabilities").size());
    double sum = 0;
    for (JsonNode p : result.get("probabilities")) {
      sum += p.asDouble();
    }
    assertEquals(1.0, sum, 1e-4);
    assertError(
        post(
            "/api/classify",
            multipart(
                List.of(
                    filePart("image", "fat.png", Files.readAllBytes(tiles.resolve(fat.path()))),
                    fieldPart("prompts", "../../etc/passwd"))),
            null),
        400,
        "prompts");
  }

  @Test
  void slideClassificationAndHeatmap() throws Exception {
    JsonNode result = json(get("/api/slides/S-1/classify?prompts=demo-crc9"), 200);
    assertEquals("S-1", result.get("slide_id").asText());
    assertEquals(9, result.get("probabilities").size());
    assertTrue(result.get("pooling").asText().startsWith("topk:"), result.toString());
    String heatmapUrl = result.get("heatmap_url").asText();
    assertTrue(heatmapUrl.endsWith("class=" + result.get("prediction").asText()), heatmapUrl);
    assertEquals(
        heatmapUrl.replace("/heatmap.png?", "/overlay.png?"), result.get("overlay_url").asText());
    HttpResponse<byte[]> heatmap = get(heatmapUrl);
    assertEquals(200, heatmap.statusCode());
    assertEquals("image/png", heatmap.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(ImageIO.read(new ByteArrayInputStream(heatmap.body())).getWidth() > 256);

    assertError(get("/api/slides/S-1/classify?prompts=demo-crc9&class=XYZ"), 400, "class");
    assertError(get("/api/slides/S-1/heatmap.png?prompts=demo-crc9"), 400, "class");
    assertError(get("/api/slides/S-1/overlay.png?prompts=demo-crc9&class=XYZ"), 400, "class");
    assertError(get("/api/slides/S-1/overlay.png?class=TUM"), 400, "prompts");
    assertError(get("/api/slides/S-9/overlay.png?prompts=demo-crc9&class=TUM"), 404, null);
    assertError(get("/api/slides/S-1/classify"), 400, "prompts");
    assertError(get("/api/slides/S-2/classify?prompts=demo-crc9"), 404, null);
  }

  /**
   * A text search answers with its best hit calibrated against the background texts on the same
   * tiles: a tissue query the demo model knows is strong, an unrelated text is no better than
   * unrelated text, and the numbers add up (contrast = best - mean, z from the background).
   */
  @Test
  void textSearchAnswersWithItsCalibration() throws Exception {
    JsonNode fat = json(get("/api/search?text=" + q("large empty fat cells") + "&k=3"), 200);
    JsonNode calibration = fat.get("calibration");
    assertEquals("strong", calibration.get("verdict").asText(), calibration.toString());
    double best = calibration.get("best_score").asDouble();
    assertEquals(fat.get("hits").get(0).get("score").asDouble(), best, 1e-6);
    double contrast = best - calibration.get("mean_score").asDouble();
    assertEquals(contrast, calibration.get("contrast").asDouble(), 2e-4);
    double z =
        (contrast - calibration.get("background_contrast_mean").asDouble())
            / calibration.get("background_contrast_sd").asDouble();
    assertEquals(z, calibration.get("z").asDouble(), 0.01);
    assertTrue(z >= 3, calibration.toString());
    assertFalse(calibration.get("filtered").asBoolean());
    assertEquals("1", calibration.get("background_version").asText());
    JsonNode cat = json(get("/api/search?text=" + q("a photo of a cat") + "&k=3"), 200);
    assertEquals(
        "no better than unrelated text",
        cat.get("calibration").get("verdict").asText(),
        cat.get("calibration").toString());
    assertTrue(cat.get("calibration").get("z").asDouble() < 2);
  }

  /** Search modes beside the text's meaning: caption words, both, and "more like" a tile. */
  @Test
  void keywordHybridAndMoreLikeATile() throws Exception {
    String adi =
        manifest.stream().filter(r -> r.label().equals("ADI")).findFirst().orElseThrow().tileId();
    JsonNode like = json(get("/api/search?tile=" + q(adi) + "&k=3"), 200).get("hits");
    assertEquals(adi, like.get(0).get("id").asText(), "the tile itself first");
    assertEquals(1.0, like.get(0).get("score").asDouble(), 1e-4);
    assertError(get("/api/search?tile=no-such-tile"), 404, "tile");
    JsonNode words = json(get("/api/search?text=fat&mode=keywords&k=3"), 200).get("hits");
    assertTrue(words.size() > 0);
    for (JsonNode hit : words) {
      assertTrue(hit.get("caption").asText().toLowerCase().contains("fat"), hit.toString());
    }
    JsonNode both = json(get("/api/search?text=fat&mode=hybrid&k=3"), 200).get("hits");
    assertEquals("ADI", both.get(0).get("label").asText());
    assertError(get("/api/search?text=fat&mode=regex"), 400, "mode");
  }

  @Test
  void facetsListTheIndexedValuesWithTheirTileCounts() throws Exception {
    JsonNode health = json(get("/api/health"), 200);
    JsonNode all = json(get("/api/facets"), 200);
    assertEquals(health.get("tiles").asInt(), all.get("tiles").asInt());
    JsonNode labels = all.get("facets").get("label");
    assertEquals(9, labels.size(), labels.toString()); // 9 classes x 2 tiles; the TUM tile of XSS-1
    assertEquals("TUM", labels.get(0).get("value").asText(), "3 TUM tiles, the most");
    assertEquals(3, labels.get(0).get("tiles").asInt());
    assertEquals("ADI", labels.get(1).get("value").asText(), "then 2 each, by value");
    assertEquals(2, labels.get(1).get("tiles").asInt());
    // After the built-in fields, the index's own columns: the manifest's label_code, the slide's
    // vendor.
    assertEquals(
        List.of("site", "stain", "label", "label_code", "vendor"), fieldNames(all.get("facets")));
    JsonNode codes = all.get("facets").get("label_code");
    assertEquals(9, codes.size(), codes.toString()); // one code per class; the XSS tile has none
    assertEquals("0", codes.get(0).get("value").asText(), "2 tiles each: by value");
    assertEquals(2, codes.get(0).get("tiles").asInt());
    JsonNode coded = json(get("/api/search?text=fat&k=1&filter=" + q("label_code:0")), 200);
    assertEquals("ADI", coded.get("hits").get(0).get("label").asText());
    assertEquals("0", coded.get("hits").get(0).get("label_code").asText());
    JsonNode filtered = json(get("/api/facets?fields=site&filter=" + q("label:ADI")), 200);
    assertEquals(2, filtered.get("tiles").asInt());
    assertEquals(List.of("site"), fieldNames(filtered.get("facets")));
    assertError(get("/api/facets?fields=source"), 400, "fields");
    assertError(get("/api/facets?filter=" + q("site:(")), 400, "filter");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * The slide as a Deep Zoom Image: the descriptor OpenSeadragon reads, and JPEG tiles of the sizes
   * the layout gives (254 px with a 1 px overlap, levels halving down to one pixel).
   */
  @Test
  void deepZoomDescriptorAndTiles() throws Exception {
    HttpResponse<byte[]> dzi = get("/api/slides/S-1/image.dzi");
    assertEquals(200, dzi.statusCode());
    String xml = new String(dzi.body(), StandardCharsets.UTF_8);
    assertTrue(xml.contains("TileSize=\"254\"") && xml.contains("Overlap=\"1\""), xml);
    assertTrue(xml.contains("<Size Width=\"1536\" Height=\"1024\"/>"), xml);
    // Level 11 is full resolution (2^11 = 2048 >= 1536); level 9 is a quarter (384 x 256).
    Map<String, List<Integer>> sizes =
        Map.of(
            "11/0_0", List.of(255, 255),
            "11/6_4", List.of(13, 9), // x from 1523 to 1536, y from 1015 to 1024
            "9/1_0", List.of(131, 255),
            "0/0_0", List.of(1, 1));
    for (var entry : sizes.entrySet()) {
      HttpResponse<byte[]> tile = get("/api/slides/S-1/image_files/" + entry.getKey() + ".jpeg");
      assertEquals(200, tile.statusCode(), entry.getKey());
      assertEquals("image/jpeg", tile.headers().firstValue("Content-Type").orElseThrow());
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(tile.body()));
      assertEquals(entry.getValue(), List.of(image.getWidth(), image.getHeight()), entry.getKey());
    }
    for (String missing : List.of("12/0_0.jpeg", "11/7_0.jpeg", "11/0_5.jpeg", "11/a_b.jpeg")) {
      assertError(get("/api/slides/S-1/image_files/" + missing), 404, null);
    }
    assertError(get("/api/slides/S-9/image.dzi"), 404, null);
  }

  /** QuPath's GeoJSON: one classified tile polygon per indexed tile of the slide. */
  @Test
  void zeroShotGeoJsonHasOneClassifiedPolygonPerTile() throws Exception {
    HttpResponse<byte[]> response = get("/api/slides/S-1/zeroshot.geojson?prompts=demo-crc9");
    assertEquals(200, response.statusCode());
    assertEquals(
        "application/geo+json", response.headers().firstValue("Content-Type").orElseThrow());
    JsonNode collection = new ObjectMapper().readTree(response.body());
    JsonNode slide = json(get("/api/slides/S-1"), 200);
    assertEquals(slide.get("tiles").asInt(), collection.get("features").size());
    // RFC 7946 §7.1: no properties member on the collection; its facts are a foreign member.
    assertNull(collection.get("properties"));
    assertEquals("S-1", collection.get("pathlens").get("slide_id").asText());
    List<String> classes = List.of("ADI", "BACK", "DEB", "LYM", "MUC", "MUS", "NORM", "STR", "TUM");
    for (JsonNode feature : collection.get("features")) {
      assertEquals("Polygon", feature.get("geometry").get("type").asText());
      assertEquals(5, feature.get("geometry").get("coordinates").get(0).size());
      JsonNode properties = feature.get("properties");
      assertEquals("tile", properties.get("objectType").asText());
      assertTrue(properties.get("name").asText().startsWith("S-1@"), properties.toString());
      // The tile's UUID from the served index's identity: a directory's path, a cluster's URL.
      assertEquals(
          TileUuids.of(server.index().location().identity(), properties.get("name").asText())
              .toString(),
          feature.get("id").asText());
      String predicted = properties.get("classification").get("name").asText();
      assertTrue(classes.contains(predicted), predicted);
      double best = -1;
      String argmax = null;
      double sum = 0;
      for (String c : classes) {
        double p = properties.get("measurements").get("p(" + c + ")").asDouble();
        sum += p;
        if (p > best) {
          best = p;
          argmax = c;
        }
      }
      assertEquals(1.0, sum, 1e-4);
      assertEquals(argmax, predicted);
    }
    JsonNode annotations =
        new ObjectMapper()
            .readTree(
                get("/api/slides/S-1/zeroshot.geojson?prompts=demo-crc9&object_type=annotation")
                    .body());
    for (int i = 0; i < annotations.get("features").size(); i++) {
      JsonNode feature = annotations.get("features").get(i);
      assertEquals("annotation", feature.get("properties").get("objectType").asText());
      // The same tile is the same object (UUID) whatever QuPath is told to make of it.
      assertEquals(collection.get("features").get(i).get("id"), feature.get("id"));
    }
    // RFC 7946 as a validator written by others reads it (Placemark's check-geojson), where
    // node is installed (GeoJsonOutTest checks every path that writes GeoJSON).
    Optional<GeoJsonCheck> check = GeoJsonCheck.find();
    if (check.isPresent()) {
      Path file = Files.createTempFile("zeroshot-", ".geojson");
      try {
        Files.write(file, response.body());
        assertEquals(List.of(), check.get().issues(List.of(file)));
      } finally {
        Files.delete(file);
      }
    }
    assertError(
        get("/api/slides/S-1/zeroshot.geojson?prompts=demo-crc9&object_type=cell"),
        400,
        "object_type");
    assertError(get("/api/slides/S-1/zeroshot.geojson"), 400, "prompts");
    assertError(get("/api/slides/S-9/zeroshot.geojson?prompts=demo-crc9"), 404, null);
  }

  @Test
  void overlayPaintsExactlyEachTileFootprintOnTheStoredThumbnail() throws Exception {
    String url =
        json(get("/api/slides/S-1/classify?prompts=demo-crc9&class=TUM"), 200)
            .get("overlay_url")
            .asText();
    HttpResponse<byte[]> response = get(url);
    assertEquals("image/png", response.headers().firstValue("Content-Type").orElseThrow());
    BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(response.body()));
    BufferedImage thumbnail =
        ImageIO.read(new ByteArrayInputStream(get("/api/slides/S-1/thumbnail.png").body()));
    assertTrue(overlay.getColorModel().hasAlpha(), "an RGBA PNG");
    assertEquals(thumbnail.getWidth(), overlay.getWidth());
    assertEquals(thumbnail.getHeight(), overlay.getHeight());
    assertEquals(1024, overlay.getWidth()); // 1536 x 1024 at 2/3: 1024 x 682.7, rounded to 683
    assertEquals(683, overlay.getHeight());

    // Where the tiles are, from what the API says: their level-0 corners, and the tile side from
    // the slide record.
    JsonNode record = json(get("/api/slides/S-1"), 200);
    long width0 = record.get("levels").get(0).get("width").asLong(),
        height0 = record.get("levels").get(0).get("height").asLong();
    double side0 =
        record.get("tile_size").asInt()
            * record.get("tile_mpp").asDouble()
            / record.get("mpp_x").asDouble();
    List<TileRecord> tiles = new ArrayList<>();
    for (JsonNode hit :
        json(get("/api/search?text=tissue&k=1000&filter=slide_id:S-1"), 200).get("hits")) {
      tiles.add(
          new TileRecord(
              hit.get("id").asText(),
              "S-1",
              null,
              null,
              null,
              null,
              null,
              null,
              hit.get("x").asInt(),
              hit.get("y").asInt(),
              null,
              null,
              Map.of()));
    }
    assertEquals(record.get("tiles").asInt(), tiles.size());
    assertEquals(
        side0,
        TileFootprint.of(tiles, OptionalDouble.empty()).side0(),
        1e-9,
        "the grid stride is the tile side");

    // Each tile covers columns round(x * w / w0) up to round((x + side) * w / w0), rows likewise:
    // opaque there,
    // transparent everywhere else, to the pixel.
    int w = overlay.getWidth(), h = overlay.getHeight();
    boolean[] covered = new boolean[w * h];
    for (TileRecord t : tiles) {
      int left = (int) Math.round(t.x() * (double) w / width0),
          right = (int) Math.round((t.x() + side0) * w / width0);
      int top = (int) Math.round(t.y() * (double) h / height0),
          bottom = (int) Math.round((t.y() + side0) * h / height0);
      for (int y = top; y < bottom; y++) {
        for (int x = left; x < right; x++) {
          covered[y * w + x] = true;
        }
      }
    }
    int[] tissue = new int[2], pixels = new int[2];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int alpha = overlay.getRGB(x, y) >>> 24;
        boolean in = covered[y * w + x];
        assertEquals(in ? 255 : 0, alpha, "alpha at " + x + "," + y);
        int k = in ? 1 : 0;
        pixels[k]++;
        tissue[k] += stained(thumbnail.getRGB(x, y)) ? 1 : 0;
      }
    }
    // And the cells lie on tissue: each tile was kept for having at least half tissue, while off
    // the tiles the
    // thumbnail is mostly glass.
    double onTiles = (double) tissue[1] / pixels[1], offTiles = (double) tissue[0] / pixels[0];
    System.out.printf(
        "stained share of the thumbnail: %.3f under the overlay's cells, %.3f elsewhere%n",
        onTiles, offTiles);
    assertTrue(
        onTiles > 0.8 && offTiles < 0.5, onTiles + " under the cells, " + offTiles + " elsewhere");
  }

  /** Stained tissue, not glass: a saturated colour (HSV saturation over 0.15). */
  private static boolean stained(int rgb) {
    int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
    int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
    return max > 0 && (max - min) > 0.15 * max;
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
    assertEquals(
        SlideIngest.DEFAULT_THUMBNAIL_SIZE,
        ImageIO.read(new ByteArrayInputStream(thumbnail.body())).getWidth());
    assertError(get("/api/slides/S-9"), 404, null);
    assertError(get("/api/slides/S-9/thumbnail.png"), 404, null);

    List<String> names = new ArrayList<>();
    json(get("/api/prompts"), 200)
        .get("prompt_sets")
        .forEach(s -> names.add(s.get("name").asText()));
    assertTrue(names.contains("demo-crc9") && names.contains("crc-nct9"), names.toString());
  }

  @Test
  void badUploadsAreRefusedWithTheRightStatus() throws Exception {
    // Declared length over the limit: refused before the body is read.
    byte[] huge = new byte[(int) MAX_UPLOAD + 200_000];
    assertError(
        post("/api/search", multipart(List.of(filePart("image", "big.png", huge))), null),
        413,
        null);
    // Sent without a length (chunked): Jetty's multipart limit stops it, still a JSON 413.
    try (HttpClient fresh = HttpClient.newHttpClient()) {
      HttpResponse<byte[]> chunked =
          fresh.send(
              HttpRequest.newBuilder(uri(server, "/api/search"))
                  .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () ->
                              new ByteArrayInputStream(
                                  multipart(List.of(filePart("image", "big.png", huge))))))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertError(chunked, 413, "image");
    }
    // A broken multipart body.
    assertError(
        post("/api/search", "--nonsense".getBytes(StandardCharsets.UTF_8), null), 400, "image");
    // Within multipart slack, but the part itself is over the limit.
    byte[] over = new byte[(int) MAX_UPLOAD + 10];
    assertError(
        post("/api/search", multipart(List.of(filePart("image", "big.png", over))), null),
        413,
        "image");
    // Too many pixels, from the header (400 x 400 > 100,000): a 413 naming the limit and its
    // option.
    HttpResponse<byte[]> wide =
        post("/api/search", multipart(List.of(filePart("image", "wide.png", png(400, 400)))), null);
    assertError(wide, 413, "image");
    String refusal = JSON.readTree(wide.body()).get("error").asText();
    assertTrue(
        refusal.startsWith(
                "wide.png: PNG image is 400x400 = 160000 pixels, over the limit of 100000")
            && refusal.contains("--max-pixels"),
        refusal);
    // Not an image.
    assertError(
        post(
            "/api/similar",
            multipart(
                List.of(
                    filePart("image", "notes.txt", "just text".getBytes(StandardCharsets.UTF_8)))),
            null),
        415,
        "image");
    // No image part; not multipart at all.
    assertError(
        post("/api/search", multipart(List.of(fieldPart("text", "x"))), null), 400, "image");
    HttpResponse<byte[]> plain =
        http.send(
            HttpRequest.newBuilder(uri(server, "/api/search"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json")
                .build(),
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
  void tileIdsThatArePathsServeTheirImage() throws Exception {
    String url = "/api/tiles/" + ApiJson.segments(ServedIndex.MARKUP_TILE) + "/image";
    assertEquals("/api/tiles/xss/tile%20%231.png/image", url);
    HttpResponse<byte[]> image = get(url);
    assertEquals(200, image.statusCode(), new String(image.body(), StandardCharsets.UTF_8));
    assertEquals(224, ImageIO.read(new ByteArrayInputStream(image.body())).getWidth());
    assertError(get("/api/tiles/xss/no-such-tile.png/image"), 404, null);
  }

  @Test
  void onlyIndexedIdsServeFilesAndTraversalNeverDoes() throws Exception {
    assertError(get("/api/tiles/no-such-tile/image"), 404, null);
    for (String path :
        List.of(
            "/api/tiles/..%2F..%2Fetc%2Fpasswd/image",
            "/api/tiles/%2Fetc%2Fpasswd/image",
            "/api/tiles/..%252F..%252Fetc%252Fpasswd/image",
            "/api/slides/..%2F..%2Fetc%2Fpasswd/thumbnail.png",
            "/api/slides/..%2Fslides%2FS-1/thumbnail.png")) {
      HttpResponse<byte[]> response = get(path);
      assertTrue(
          response.statusCode() == 404 || response.statusCode() == 400,
          path + " gave " + response.statusCode());
      String body = new String(response.body(), StandardCharsets.UTF_8);
      assertFalse(body.contains("root:"), path);
      assertTrue(body.startsWith("{"), path + ": " + body);
    }
  }

  @Test
  void tokenProtectsEveryRouteButSignInAndNeverComesFromTheUrl() throws Exception {
    for (String route : guarded.registeredRoutes()) {
      String[] parts = route.split(" ", 2);
      if (parts[1].equals("/api/session")) {
        continue;
      }
      String path =
          parts[1]
              .replace("{id}", "S-1")
              .replace("<id>", "S-1")
              .replace("{level}", "11")
              .replace("{tile}", "0_0.jpeg")
              .replace("{name}", "tumor");
      assertError(
          send(
              guarded,
              HttpRequest.newBuilder(uri(guarded, path))
                  .method(parts[0], HttpRequest.BodyPublishers.noBody())),
          401,
          null);
    }
    assertError(
        send(
            guarded,
            HttpRequest.newBuilder(uri(guarded, "/api/health"))
                .header("Authorization", "Bearer wrong")
                .GET()),
        401,
        null);
    assertError(
        send(guarded, HttpRequest.newBuilder(uri(guarded, "/api/health?token=" + TOKEN)).GET()),
        401,
        null);
    assertEquals(
        200,
        send(
                guarded,
                HttpRequest.newBuilder(uri(guarded, "/api/health"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .GET())
            .statusCode());
    assertEquals(
        200,
        send(
                guarded,
                HttpRequest.newBuilder(uri(guarded, "/api/openapi.json"))
                    .header("X-PathLens-Token", TOKEN)
                    .GET())
            .statusCode());
    // The page itself needs no token: it holds no data, and it has to load to ask for the token.
    HttpResponse<byte[]> page = send(guarded, HttpRequest.newBuilder(uri(guarded, "/")).GET());
    assertEquals(200, page.statusCode());
    assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("id=\"login-form\""));
  }

  @Test
  void signingInGivesASessionCookieThatStandsInForTheToken() throws Exception {
    assertError(signIn(guarded, "{\"token\": \"wrong\"}"), 401, "token");
    assertError(signIn(guarded, "{}"), 400, "token");
    assertError(signIn(guarded, "token=" + TOKEN), 400, "token");
    HttpResponse<byte[]> signedIn = signIn(guarded, "{\"token\": \"" + TOKEN + "\"}");
    assertEquals(204, signedIn.statusCode());
    String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith(TokenGuard.COOKIE + "="), setCookie);
    for (String attribute : List.of("HttpOnly", "SameSite=Strict", "Path=/api")) {
      assertTrue(setCookie.contains(attribute), setCookie + " lacks " + attribute);
    }
    assertFalse(setCookie.contains(TOKEN), "the cookie holds a session id, not the token");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    assertEquals(200, withCookie("/api/health", cookie, null).statusCode());
    HttpResponse<byte[]> thumbnail = withCookie("/api/slides/S-1/thumbnail.png", cookie, null);
    assertEquals(200, thumbnail.statusCode());
    assertEquals("image/png", thumbnail.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(200, withCookie("/api/health", cookie, "same-origin").statusCode());
    // Sent by a page of another origin (another port of the same host is "same-site"), the cookie
    // does not count.
    assertError(withCookie("/api/health", cookie, "same-site"), 401, null);
    assertError(withCookie("/api/health", cookie, "cross-site"), 401, null);
    assertError(
        withCookie("/api/health", TokenGuard.COOKIE + "=" + "A".repeat(43), null), 401, null);

    HttpResponse<byte[]> signedOut =
        send(
            guarded,
            HttpRequest.newBuilder(uri(guarded, "/api/session")).header("Cookie", cookie).DELETE());
    assertEquals(204, signedOut.statusCode());
    assertTrue(
        signedOut
            .headers()
            .firstValue("Set-Cookie")
            .orElseThrow()
            .startsWith(TokenGuard.COOKIE + "=;"));
    assertError(withCookie("/api/health", cookie, null), 401, null);
    // A server without a token has nothing to sign in to.
    HttpResponse<byte[]> open = signIn(server, "{}");
    assertEquals(204, open.statusCode());
    assertTrue(open.headers().firstValue("Set-Cookie").isEmpty());
  }

  private static HttpResponse<byte[]> signIn(PathLensServer s, String body) throws Exception {
    return send(
        s,
        HttpRequest.newBuilder(uri(s, "/api/session"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<byte[]> withCookie(String path, String cookie, String fetchSite)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(guarded, path)).header("Cookie", cookie).GET();
    if (fetchSite != null) {
      request.header("Sec-Fetch-Site", fetchSite);
    }
    return send(guarded, request);
  }

  @Test
  void saturatedInferenceAnswers503WithRetryAfter() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    var blocker =
        guarded
            .inference()
            .submit(
                () -> {
                  running.countDown();
                  release.await();
                  return null;
                });
    try {
      running.await();
      HttpResponse<byte[]> busy =
          send(
              guarded,
              HttpRequest.newBuilder(uri(guarded, "/api/search?text=fat"))
                  .header("X-PathLens-Token", TOKEN)
                  .GET());
      assertError(busy, 503, null);
      assertEquals("1", busy.headers().firstValue("Retry-After").orElseThrow());
    } finally {
      release.countDown();
      blocker.join();
    }
    assertEquals(
        200,
        send(
                guarded,
                HttpRequest.newBuilder(uri(guarded, "/api/search?text=fat"))
                    .header("X-PathLens-Token", TOKEN)
                    .GET())
            .statusCode());
  }

  /**
   * The embedded index always answers whole: allow_partial=true gives the same body as without it,
   * with no partial mark; a value other than true or false is a 400 naming the parameter.
   */
  @Test
  void allowPartialOnAnEmbeddedIndexChangesNothing() throws Exception {
    for (String read :
        List.of(
            "/api/search?text=fat&k=3",
            "/api/search?text=fat&mode=keywords",
            "/api/similar?slide=S-1&k=3",
            "/api/slides/S-1/classify?prompts=demo-crc9",
            "/api/facets?",
            "/api/slides?")) {
      String whole = new String(get(read).body(), StandardCharsets.UTF_8);
      HttpResponse<byte[]> allowed = get(read + "&allow_partial=true");
      assertEquals(200, allowed.statusCode(), read);
      assertEquals(whole, new String(allowed.body(), StandardCharsets.UTF_8), read);
      assertFalse(json(allowed, 200).has("partial"), read);
    }
    assertError(get("/api/facets?allow_partial=1"), 400, "allow_partial");
    assertError(get("/api/search?text=fat&allow_partial=yes"), 400, "allow_partial");
  }

  @Test
  void textSearchDoesNotQueueBehindUploads() throws Exception {
    // The guarded server's upload pool (one thread, no queue) busy with an upload's work.
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    var upload =
        guarded
            .uploadWork()
            .submit(
                () -> {
                  running.countDown();
                  release.await();
                  return null;
                });
    try {
      running.await();
      // Text search runs on the other pool: answered.
      assertEquals(
          200,
          send(
                  guarded,
                  HttpRequest.newBuilder(uri(guarded, "/api/search?text=fat"))
                      .header("X-PathLens-Token", TOKEN)
                      .GET())
              .statusCode());
      // Another upload has no room: 503 before its body is read.
      HttpResponse<byte[]> busy =
          send(
              guarded,
              HttpRequest.newBuilder(uri(guarded, "/api/search?k=1"))
                  .header("X-PathLens-Token", TOKEN)
                  .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(tileUpload(manifest.get(3)))));
      assertError(busy, 503, null);
      String error = JSON.readTree(busy.body()).get("error").asText();
      assertTrue(error.contains("1 upload tasks running"), error);
    } finally {
      release.countDown();
      upload.join();
    }
  }

  @Test
  void openApiDescribesEveryRegisteredRoute() throws Exception {
    JsonNode paths = json(get("/api/openapi.json"), 200).get("paths");
    // OpenAPI writes every path parameter {id}; Javalin's <id> is one that may span segments.
    List<String> routes =
        server.registeredRoutes().stream()
            .map(r -> r.replaceAll("<(\\w+)>", "{$1}"))
            .sorted()
            .toList();
    assertTrue(routes.size() >= 14, routes.toString());
    for (String route : routes) {
      String[] parts = route.split(" ", 2);
      JsonNode path = paths.get(parts[1]);
      assertNotNull(path, "OpenAPI lacks path " + parts[1]);
      assertNotNull(path.get(parts[0].toLowerCase()), "OpenAPI lacks " + route);
    }
    // And describes nothing that is not there.
    List<String> described = new ArrayList<>();
    paths
        .properties()
        .forEach(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> described.add(m.toUpperCase() + " " + p.getKey())));
    assertEquals(routes, described.stream().sorted().toList());
  }

  // --- HTTP helpers ---

  private static URI uri(PathLensServer s, String path) {
    return URI.create("http://127.0.0.1:" + s.port() + path);
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return send(server, HttpRequest.newBuilder(uri(server, path)).GET());
  }

  private static HttpResponse<byte[]> post(String path, byte[] multipart, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(server, path))
            .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            // Expect: 100-continue, as browsers and curl send large bodies: a server that refuses
            // the upload from its headers answers before the body is sent. Without it, a refusal
            // that closes the connection while the body is still arriving can reach the client as
            // a reset, before the answer is read (seen once in four runs here).
            .expectContinue(true)
            .POST(HttpRequest.BodyPublishers.ofByteArray(multipart));
    // A fresh connection per upload: a server may close one after refusing a body it did not read.
    try (HttpClient fresh = HttpClient.newHttpClient()) {
      return OpenApiContract.SERVED.check(
          fresh.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
    }
  }

  private static HttpResponse<byte[]> send(PathLensServer s, HttpRequest.Builder request)
      throws Exception {
    return OpenApiContract.SERVED.check(
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
  }

  private static JsonNode json(HttpResponse<byte[]> response, int status) throws IOException {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertEquals(status, response.statusCode(), body);
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        body);
    return JSON.readTree(body);
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String parameter)
      throws IOException {
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
    return multipart(
        List.of(filePart("image", "tile.png", Files.readAllBytes(tiles.resolve(tile.path())))));
  }

  private static byte[] filePart(String name, String filename, byte[] content) {
    String head =
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"; filename=\""
            + filename
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    return concat(
        head.getBytes(StandardCharsets.UTF_8), content, "\r\n".getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] fieldPart(String name, String value) {
    return ("--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"\r\n\r\n"
            + value
            + "\r\n")
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
