package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexLocation;
import org.pathlens.prompts.slides.QuPathObjectType;
import org.pathlens.prompts.slides.TileUuids;
import org.pathlens.server.PathLensServer;
import org.pathlens.server.ServerConfig;
import org.pathlens.testkit.GeoJsonCheck;

/**
 * Every GeoJSON PathLens writes, through each way it writes it ({@code classify --per-slide
 * --geojson} and {@code GET /api/slides/{id}/zeroshot.geojson}) and with each QuPath object type,
 * passes an RFC 7946 validator written by others ({@link GeoJsonCheck}: Placemark's check-geojson),
 * carries QuPath's properties, and gives each tile the same UUID every time. Two slides whose ids
 * differ by a space and an underscore ({@code case 1}, {@code case_1}) each keep their own file.
 * Skips only without Node.
 */
class GeoJsonOutTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = Fixtures.demoBundle().toString();

  @TempDir Path tmp;

  @Test
  void everyGeoJsonPathLensWritesIsValidGeoJsonForQuPath() throws Exception {
    GeoJsonCheck check = GeoJsonCheck.find().orElse(null);
    assumeTrue(check != null, "needs node on the PATH (.ci/run installs it)");
    // The validator refuses what PathLens wrote before: properties on the FeatureCollection.
    Path before =
        Files.writeString(
            tmp.resolve("before.geojson"),
            "{\"type\": \"FeatureCollection\", \"features\": [], \"properties\": {\"slide_id\": \"S\"}}");
    List<String> beforeIssues = check.issues(List.of(before));
    assertEquals(1, beforeIssues.size(), beforeIssues.toString());
    assertTrue(
        beforeIssues.getFirst().contains("member named properties"), beforeIssues.toString());

    Path slides = tmp.resolve("slides");
    SyntheticSlide.write(
        slides.resolve("case 1.tiff"),
        new SyntheticSlide.Options(
            1024, 768, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 2));
    SyntheticSlide.write(
        slides.resolve("case_1.tiff"),
        new SyntheticSlide.Options(
            1024, 768, "center-b", 5, 4, PyramidTiffWriter.Compression.JPEG, 2));
    Path index = tmp.resolve("index");
    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            MODEL,
            "--index",
            index.toString(),
            "--threads",
            "2",
            "--slides",
            slides.toString());
    assertEquals(0, ingest.exitCode(), ingest.err());
    String identity = index.toRealPath().toString();

    List<Path> written = new ArrayList<>();
    Map<String, String> uuidOfTile = new HashMap<>(); // tile id -> its UUID in the first export
    Map<String, Integer> tilesOfSlide = new HashMap<>();
    for (QuPathObjectType type : QuPathObjectType.values()) {
      Path dir = tmp.resolve("geojson-" + type.qupathName());
      CliRun run =
          CliRun.of(
              "classify",
              "--model",
              MODEL,
              "--prompts",
              "demo-crc9",
              "--index",
              index.toString(),
              "--per-slide",
              "--geojson",
              dir.toString(),
              "--object-type",
              type.qupathName(),
              "--no-cache");
      assertEquals(0, run.exitCode(), run.err());
      for (String line : run.outLines()) {
        JsonNode slide = JSON.readTree(line);
        tilesOfSlide.put(slide.get("slide_id").asText(), slide.get("tiles").asInt());
      }
      assertEquals(Set.of("case 1", "case_1"), tilesOfSlide.keySet());
      // 'case_1' keeps its name; 'case 1', no plain file name, gets a hash of its id, said so.
      Path plain = dir.resolve("case_1.geojson");
      Path hashed = dir.resolve("case_1-c60f415d.geojson");
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(Set.of(plain, hashed), files.collect(Collectors.toSet()));
      }
      assertTrue(run.err().contains("wrote " + plain + "\n"), run.err());
      assertTrue(
          run.err()
              .contains(
                  "wrote "
                      + hashed
                      + " (slide 'case 1': its id is no plain file name, so a hash of it is"
                      + " appended)"),
          run.err());
      checkCollection(readFile(plain), "case_1", type, identity, tilesOfSlide, uuidOfTile);
      checkCollection(readFile(hashed), "case 1", type, identity, tilesOfSlide, uuidOfTile);
      written.add(plain);
      written.add(hashed);
    }

    try (PathLensServer server =
        PathLensServer.start(
            new ServerConfig(
                IndexLocation.of(index),
                Fixtures.demoBundle(),
                null,
                "127.0.0.1",
                0,
                null,
                1 << 20,
                100_000,
                1,
                4,
                null,
                EncoderOptions.defaults().withThreads(2)))) {
      HttpClient http = HttpClient.newHttpClient();
      for (String slide : List.of("case 1", "case_1")) {
        String route =
            server.url()
                + "/api/slides/"
                + URLEncoder.encode(slide, StandardCharsets.UTF_8).replace("+", "%20")
                + "/zeroshot.geojson?prompts=demo-crc9";
        Map<String, QuPathObjectType> asked = new HashMap<>();
        asked.put("", QuPathObjectType.TILE); // the default
        for (QuPathObjectType type : QuPathObjectType.values()) {
          asked.put("&object_type=" + type.qupathName(), type);
        }
        for (Map.Entry<String, QuPathObjectType> ask : asked.entrySet()) {
          HttpResponse<byte[]> response = get(http, route + ask.getKey());
          assertEquals(200, response.statusCode(), new String(response.body()));
          Path file =
              Files.write(tmp.resolve("api-" + written.size() + ".geojson"), response.body());
          checkCollection(
              JSON.readTree(response.body()),
              slide,
              ask.getValue(),
              identity,
              tilesOfSlide,
              uuidOfTile);
          written.add(file);
        }
        HttpResponse<byte[]> bad = get(http, route + "&object_type=cell");
        assertEquals(400, bad.statusCode());
        JsonNode error = JSON.readTree(bad.body());
        assertEquals("object_type", error.get("parameter").asText());
        assertTrue(
            error.get("error").asText().contains("tile, detection or annotation"),
            error.toString());
      }
    }

    // --object-type without --geojson, and a type QuPath has no tiles as: one line, exit 2.
    CliRun noFiles =
        CliRun.of(
            "classify",
            "--model",
            MODEL,
            "--prompts",
            "demo-crc9",
            "--index",
            index.toString(),
            "--per-slide",
            "--object-type",
            "detection");
    assertEquals(2, noFiles.exitCode());
    assertEquals(
        "pathlens classify: --object-type says what --geojson writes: add --geojson DIR (and"
            + " --per-slide)",
        noFiles.err().strip());
    CliRun cell =
        CliRun.of(
            "classify",
            "--model",
            MODEL,
            "--prompts",
            "demo-crc9",
            "--index",
            index.toString(),
            "--per-slide",
            "--geojson",
            tmp.resolve("cells").toString(),
            "--object-type",
            "cell");
    assertEquals(2, cell.exitCode());
    assertTrue(cell.err().contains("--object-type"), cell.err());
    assertTrue(cell.err().contains("'cell'"), cell.err());
    assertTrue(Files.notExists(tmp.resolve("cells")));

    assertEquals(14, written.size()); // 3 types x 2 slides by the CLI, 4 asks x 2 by the API
    assertEquals(List.of(), check.issues(written));
  }

  /**
   * One slide's collection: no {@code properties} member, the slide's facts under {@code pathlens},
   * one feature per tile with its UUID (the same for the tile in every export) and QuPath's
   * properties.
   */
  private static void checkCollection(
      JsonNode collection,
      String slideId,
      QuPathObjectType type,
      String identity,
      Map<String, Integer> tilesOfSlide,
      Map<String, String> uuidOfTile) {
    assertEquals("FeatureCollection", collection.get("type").asText());
    assertTrue(collection.get("properties") == null, "RFC 7946 §7.1: no properties member");
    assertEquals(slideId, collection.get("pathlens").get("slide_id").asText());
    JsonNode features = collection.get("features");
    assertEquals(tilesOfSlide.get(slideId).intValue(), features.size(), slideId);
    Set<String> ids = new java.util.HashSet<>();
    for (JsonNode feature : features) {
      String tile = feature.get("properties").get("name").asText();
      assertTrue(tile.startsWith(slideId + "@"), tile);
      String id = feature.get("id").asText();
      assertEquals(5, UUID.fromString(id).version(), id);
      assertEquals(TileUuids.of(identity, tile).toString(), id, tile);
      assertEquals(uuidOfTile.computeIfAbsent(tile, t -> id), id, tile + ": another UUID");
      assertTrue(ids.add(id), "two features with UUID " + id);
      JsonNode properties = feature.get("properties");
      assertEquals(type.qupathName(), properties.get("objectType").asText());
      JsonNode classification = properties.get("classification");
      assertNotNull(classification.get("name"), tile);
      assertEquals(3, classification.get("color").size(), tile);
      assertEquals(9, properties.get("measurements").size(), tile);
    }
  }

  private static JsonNode readFile(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  private static HttpResponse<byte[]> get(HttpClient http, String url)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
