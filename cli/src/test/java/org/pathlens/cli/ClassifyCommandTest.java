package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/** {@code pathlens classify} end to end with the demo bundle on the zero-shot golden tiles. */
class ClassifyCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void oneLinePerTileWithProbabilitiesInClassOrder() throws IOException {
    Path golden = TestData.golden("zeroshot");
    JsonNode expected = JSON.readTree(golden.resolve("zeroshot.json").toFile());
    Path tiles = Files.createDirectories(tmp.resolve("tiles"));
    for (JsonNode item : expected.get("items")) {
      Path source = golden.resolve(item.get("input").asText());
      Files.copy(source, tiles.resolve(source.getFileName()));
    }
    Files.writeString(tiles.resolve("zz-broken.png"), "not a png");
    CliRun run =
        CliRun.of(
            "classify",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            Fixtures.root()
                .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
                .toString(),
            "--images",
            tiles.toString(),
            "--cache",
            tmp.resolve("cache").toString());
    assertEquals(0, run.exitCode());
    assertTrue(run.err().contains("skipped") && run.err().contains("zz-broken.png"), run.err());
    List<String> lines = run.outLines();
    assertEquals(expected.get("items").size(), lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      JsonNode item =
          expected.get("items").get(i); // directory order is sorted, as the golden order
      assertTrue(
          line.get("input")
              .asText()
              .endsWith(Path.of(item.get("input").asText()).getFileName().toString()));
      assertEquals(item.get("label").asText(), line.get("prediction").asText());
      List<String> keys = new ArrayList<>();
      line.get("probabilities").fieldNames().forEachRemaining(keys::add);
      assertEquals(List.of("ADI", "BACK", "DEB", "LYM", "MUC", "MUS", "NORM", "STR", "TUM"), keys);
      for (int c = 0; c < keys.size(); c++) {
        assertEquals(
            item.get("probabilities").get(c).asDouble(),
            line.get("probabilities").get(keys.get(c)).asDouble(),
            1e-4);
      }
    }
    // The class embeddings were cached; a second run reads them and prints the same.
    try (var files = Files.list(tmp.resolve("cache"))) {
      assertEquals(1, files.count());
    }
    CliRun again =
        CliRun.of(
            "classify",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            Fixtures.root()
                .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
                .toString(),
            "--images",
            tiles.toString(),
            "--cache",
            tmp.resolve("cache").toString());
    assertEquals(run.out(), again.out());
  }

  @Test
  void aBadPromptSetIsOneLine() throws IOException {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(
        bad,
        "{\"name\": \"x\", \"templates\": [\"a photo.\"], \"classes\": {\"A\": [\"a\"], \"B\": [\"b\"]}}");
    CliRun run =
        CliRun.of(
            "classify",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            bad.toString(),
            "--images",
            tmp.toString(),
            "--no-cache");
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
    assertTrue(
        run.err().contains("bad.json: templates[0] \"a photo.\" has no CLASSNAME placeholder"),
        run.err());
  }

  /**
   * Image files are always read whole and carry no region: --allow-partial and --region-class go
   * with --index only.
   */
  @Test
  void allowPartialOrRegionClassWithImagesIsOneLine() {
    for (List<String> option :
        List.of(List.of("--allow-partial"), List.of("--region-class", "Tumor"))) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "classify",
                  "--model",
                  Fixtures.demoBundle().toString(),
                  "--prompts",
                  "demo-crc9",
                  "--images",
                  TestData.golden("zeroshot").resolve("tiles").toString(),
                  "--no-cache"));
      args.addAll(option);
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
      assertEquals(
          "pathlens classify: --filter, --region-class, --per-slide and --allow-partial work with"
              + " --index only",
          run.err().strip());
      assertTrue(run.out().isEmpty(), run.out());
    }
  }
}
