package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.Quantization;
import org.pathlens.index.TileIndex;
import org.pathlens.testkit.TestData;

/** ingest, search and similar from the command line, on generated tiles and a generated slide. */
class IngestSearchSimilarCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;
  private static Path tiles, manifest, index;
  private static CliRun firstIngest;

  @BeforeAll
  static void ingestGeneratedTiles() throws IOException {
    tiles = data.resolve("tiles");
    manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 2, 3, 224, 2))
            .manifest(); // 36 tiles
    index = data.resolve("index");
    firstIngest = ingest("--tiles", tiles.toString(), "--manifest", manifest.toString());
  }

  private static CliRun ingest(String... inputs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ingest",
                "--model",
                Fixtures.demoBundle().toString(),
                "--index",
                index.toString(),
                "--threads",
                "2",
                "--batch",
                "8"));
    args.addAll(List.of(inputs));
    return CliRun.of(args.toArray(String[]::new));
  }

  private static List<JsonNode> search(String... query) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "search",
                "--model",
                Fixtures.demoBundle().toString(),
                "--index",
                index.toString(),
                "--threads",
                "2"));
    args.addAll(List.of(query));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    return json(run);
  }

  private static List<JsonNode> json(CliRun run) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.outLines()) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void ingestPrintsASummaryAndRerunningAddsNoDuplicates() {
    assertEquals(0, firstIngest.exitCode(), firstIngest.err());
    assertTrue(firstIngest.out().startsWith("tiles 36, slides 0, skipped 0, "), firstIngest.out());
    assertTrue(
        firstIngest.out().strip().endsWith("tiles/s; the index holds 36 tiles"), firstIngest.out());
    assertTrue(
        firstIngest.err().contains("pathlens ingest: " + tiles + ": 36 tiles"), firstIngest.err());
    CliRun again = ingest("--tiles", tiles.toString(), "--manifest", manifest.toString());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().startsWith("tiles 0, unchanged 36, slides 0, "), again.out());
    assertTrue(again.out().strip().endsWith("the index holds 36 tiles"), again.out());
  }

  @Test
  void aNewIndexTakesTheQuantizationAskedFor() throws IOException {
    Path int8 = data.resolve("index-int8");
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            int8.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            manifest.toString(),
            "--quantization",
            "int8",
            "--m",
            "8");
    assertEquals(0, run.exitCode(), run.err());
    var bundle = ModelBundle.load(Fixtures.demoBundle());
    try (var opened =
        TileIndex.openForSearch(int8, IndexProvenance.of(bundle), IndexSettings.defaults())) {
      assertEquals(Quantization.INT8, opened.settings().quantization());
      assertEquals(8, opened.settings().m());
      assertEquals(36, opened.size());
    }
    CliRun bad =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            data.resolve("x").toString(),
            "--tiles",
            tiles.toString(),
            "--quantization",
            "int2");
    assertEquals(2, bad.exitCode());
    assertEquals(
        "Invalid value for option '--quantization': expected one of [none, int8, int4, bbq]"
            + " (case-insensitive) but was 'int2'",
        bad.err().lines().findFirst().orElseThrow());
  }

  @Test
  void textSearchFindsTheRightClassFirstAndPrintsMetadata() throws IOException {
    List<JsonNode> hits = search("--text", "large empty fat cells", "--k", "3");
    assertEquals(3, hits.size());
    for (int i = 0; i < 3; i++) {
      JsonNode hit = hits.get(i);
      assertEquals(i + 1, hit.get("rank").asInt());
      assertEquals("ADI", hit.get("label").asText(), hit.toString());
      assertTrue(Files.isRegularFile(Path.of(hit.get("source").asText())), hit.toString());
      assertTrue(
          hit.has("slide_id") && hit.has("site") && hit.has("x") && hit.has("caption"),
          hit.toString());
    }
    assertTrue(hits.get(0).get("score").asDouble() >= hits.get(2).get("score").asDouble());
  }

  @Test
  void imageSearchFindsTheImageItself() throws IOException {
    ManifestRow row = ManifestRow.read(manifest).get(5);
    List<JsonNode> hits = search("--image", tiles.resolve(row.path()).toString(), "--k", "1");
    assertEquals(row.tileId(), hits.getFirst().get("id").asText());
    assertEquals(1.0, hits.getFirst().get("score").asDouble(), 1e-4);
  }

  @Test
  void anImageOverMaxPixelsIsOneLineFromItsHeader() throws IOException {
    String image = tiles.resolve(ManifestRow.read(manifest).get(5).path()).toString();
    for (String command : List.of("search", "similar")) {
      CliRun run =
          CliRun.of(
              command,
              "--model",
              Fixtures.demoBundle().toString(),
              "--index",
              index.toString(),
              "--image",
              image,
              "--max-pixels",
              "1000");
      assertEquals(ErrorReporter.USER_ERROR, run.exitCode(), command + ": " + run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertTrue(
          run.err()
                  .contains(
                      image + ": JPEG image is 224x224 = 50176 pixels, over the limit of 1000")
              && run.err().contains("--max-pixels"),
          run.err());
    }
  }

  @Test
  void filtersKeepOnlyMatchingTiles() throws IOException {
    List<JsonNode> hits =
        search(
            "--text",
            "large empty fat cells",
            "--k",
            "36",
            "--filter",
            "site:center-a AND -label:ADI");
    assertEquals(16, hits.size(), "18 tiles of center-a but its 2 ADI");
    assertTrue(
        hits.stream()
            .allMatch(
                h ->
                    h.get("site").asText().equals("center-a")
                        && !h.get("label").asText().equals("ADI")));
  }

  @Test
  void keywordAndHybridSearch() throws IOException {
    List<JsonNode> keyword = search("--keywords", "adipocytes", "--k", "36");
    assertFalse(keyword.isEmpty());
    assertTrue(
        keyword.stream()
            .allMatch(
                h -> h.get("caption").asText().toLowerCase(Locale.ROOT).contains("adipocytes")),
        keyword.toString());
    List<JsonNode> hybrid = search("--hybrid", "adipocytes", "--k", "3");
    assertEquals("ADI", hybrid.getFirst().get("label").asText());
  }

  @Test
  void similarSlidesLeaveOutTheQuerySlide() throws IOException {
    String querySlide = ManifestRow.read(manifest).getFirst().slideId();
    CliRun run =
        CliRun.of(
            "similar",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--slide",
            querySlide,
            "--k",
            "5");
    assertEquals(0, run.exitCode(), run.err());
    List<JsonNode> slides = json(run);
    assertEquals(5, slides.size());
    for (int i = 0; i < slides.size(); i++) {
      assertEquals(i + 1, slides.get(i).get("rank").asInt());
      assertFalse(slides.get(i).get("slide_id").asText().equals(querySlide), run.out());
      if (i > 0) {
        assertTrue(
            slides.get(i - 1).get("score").asDouble() >= slides.get(i).get("score").asDouble(),
            run.out());
      }
    }
    Path image = tiles.resolve(ManifestRow.read(manifest).getFirst().path());
    CliRun byImage =
        CliRun.of(
            "similar",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--image",
            image.toString(),
            "--k",
            "1",
            "--threads",
            "2");
    assertEquals(0, byImage.exitCode(), byImage.err());
    assertEquals(
        querySlide,
        json(byImage).getFirst().get("slide_id").asText(),
        "the tile's own slide holds it");
    CliRun byEmbedding =
        CliRun.of(
            "similar",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--slide",
            querySlide,
            "--k",
            "3",
            "--rank-by",
            "embedding");
    assertEquals(0, byEmbedding.exitCode(), byEmbedding.err());
    List<JsonNode> embedded = json(byEmbedding);
    assertEquals(3, embedded.size());
    assertTrue(
        embedded.stream().noneMatch(h -> h.get("slide_id").asText().equals(querySlide)),
        byEmbedding.out());
    CliRun badMethod =
        CliRun.of(
            "similar",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--slide",
            querySlide,
            "--rank-by",
            "vote");
    assertEquals(2, badMethod.exitCode());
    assertEquals(
        "Invalid value for option '--rank-by': expected one of [TILES, EMBEDDING]"
            + " (case-insensitive) but was 'vote'",
        badMethod.err().lines().findFirst().orElseThrow());
  }

  @Test
  void oversampleWidensTheGraphSearchAndMustBeAtLeastOne() throws IOException {
    // On this small index the default already finds the exact neighbours: a wider search agrees.
    List<JsonNode> plain = search("--text", "adipose tissue", "--k", "5");
    List<JsonNode> wide = search("--text", "adipose tissue", "--k", "5", "--oversample", "20");
    assertEquals(
        plain.stream().map(h -> h.get("id").asText()).toList(),
        wide.stream().map(h -> h.get("id").asText()).toList());
    CliRun bad =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--text",
            "fat",
            "--oversample",
            "0.5");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("--oversample must be at least 1, got 0.5"), bad.err());
  }

  @Test
  void aBadFilterAndAnotherBundleAreOneLineEach() {
    CliRun bad =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--keywords",
            "fat",
            "--filter",
            "site:(center-a");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("pathlens search: bad filter 'site:(center-a'"), bad.err());
    assertEquals(1, bad.err().lines().filter(l -> l.startsWith("pathlens")).count(), bad.err());

    CliRun other =
        CliRun.of(
            "search",
            "--model",
            TestData.bundle("tiny-clip-bpe").toString(),
            "--index",
            index.toString(),
            "--keywords",
            "fat");
    assertEquals(2, other.exitCode());
    assertTrue(other.err().contains("holds embeddings of bundle"), other.err());
  }

  @Test
  void slidesAreTiledAndAnUnreadableOneIsSkipped(@TempDir Path dir) throws IOException {
    Path slide =
        SyntheticSlide.write(
                dir.resolve("gen.tiff"),
                new SyntheticSlide.Options(
                    1536, 1024, "center-b", 5, 4, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path broken = Files.write(dir.resolve("broken.svs"), new byte[0]);
    Path slideIndex = dir.resolve("slide-index");
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            slideIndex.toString(),
            "--threads",
            "2",
            "--slides",
            broken.toString(),
            slide.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("slides 1, skipped 1"), run.out());
    assertTrue(run.err().contains("pathlens ingest: skipped " + broken + ": "), run.err());
    assertTrue(Files.isRegularFile(slideIndex.resolve("thumbnails/gen.png")));
    assertTrue(Files.isRegularFile(slideIndex.resolve("slides/gen.json")));

    CliRun found =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            slideIndex.toString(),
            "--text",
            "tumour glands",
            "--k",
            "2",
            "--threads",
            "2");
    assertEquals(0, found.exitCode(), found.err());
    JsonNode hit = json(found).getFirst();
    assertEquals("gen", hit.get("slide_id").asText());
    assertEquals(0, hit.get("x").asInt() % 224);
    assertEquals(
        "gen@" + hit.get("x").asInt() + "," + hit.get("y").asInt(), hit.get("id").asText());
    assertEquals("generic-tiff", hit.get("vendor").asText());
  }
}
