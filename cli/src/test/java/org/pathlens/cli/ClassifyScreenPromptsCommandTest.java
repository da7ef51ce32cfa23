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
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.PromptEmbeddings;
import org.pathlens.prompts.PromptScreening;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.ZeroShotClassifier;

/**
 * {@code classify --screen-prompts}: the prompt set screened on the tiles being classified, from
 * image files or an index's stored embeddings, classifies them as {@link PromptScreening} does on
 * those embeddings, and says on stderr what it kept.
 */
class ClassifyScreenPromptsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void screenedPromptsClassifyTheTilesTheyWereScreenedOnFromFilesOrAnIndex() throws IOException {
    Path tiles = tmp.resolve("tiles");
    SyntheticTiles.write(tiles, 2, 1, 7); // 18 tiles, one center
    String bundle = Fixtures.demoBundle().toString();
    Path index = tmp.resolve("index");
    CliRun ingest =
        CliRun.of(
            "ingest",
            "--model",
            bundle,
            "--index",
            index.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            tiles.resolve("manifest.csv").toString(),
            "--threads",
            "1");
    assertEquals(0, ingest.exitCode(), ingest.err());

    // What the library makes of the index's stored embeddings, in tile id order.
    PromptSet prompts = PromptSetReader.resolve(Path.of("demo-crc9"));
    TreeMap<String, float[]> stored = new TreeMap<>();
    ZeroShotClassifier expected;
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex opened =
            TileIndex.openForSearch(index, IndexProvenance.of(model), IndexSettings.defaults())) {
      opened.forEachTile(TileFilter.ALL, t -> stored.put(t.record().id(), t.embedding()));
      PromptScreening screening =
          PromptScreening.screen(
              PromptEmbeddings.encode(prompts, model.texts()),
              new ArrayList<>(stored.values()),
              model.logitScale(),
              0.5);
      expected = screening.classifier(model.logitScale());
    }
    assertEquals(18, stored.size());

    CliRun fromIndex =
        CliRun.of(
            "classify",
            "--model",
            bundle,
            "--prompts",
            "demo-crc9",
            "--index",
            index.toString(),
            "--screen-prompts",
            "--no-cache");
    assertEquals(0, fromIndex.exitCode(), fromIndex.err());
    List<String> lines = fromIndex.outLines();
    assertEquals(18, lines.size());
    List<String> ids = new ArrayList<>(stored.keySet());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertEquals(ids.get(i), line.get("input").asText());
      float[] p = expected.classify(stored.get(ids.get(i))).probabilities();
      for (int c = 0; c < p.length; c++) {
        assertEquals(
            p[c],
            line.get("probabilities").get(prompts.classIds().get(c)).asDouble(),
            1e-6,
            ids.get(i));
      }
    }
    String err = fromIndex.err();
    assertTrue(
        err.contains("pathlens classify: prompts screened without labels on the tiles classified"),
        err);
    for (String id : prompts.classIds()) {
      assertTrue(err.contains("pathlens classify:   " + id + ": kept 9 of 18 on 18 tiles: "), err);
    }

    // The same tiles as image files: the same embeddings, so the same screening and answers.
    CliRun fromFiles =
        CliRun.of(
            "classify",
            "--model",
            bundle,
            "--prompts",
            "demo-crc9",
            "--images",
            tiles.toString(),
            "--screen-prompts",
            "0.5",
            "--no-cache");
    assertEquals(0, fromFiles.exitCode(), fromFiles.err());
    assertEquals(
        err.lines().filter(l -> l.contains(": kept ")).toList(),
        fromFiles.err().lines().filter(l -> l.contains(": kept ")).toList());
    assertEquals(18, fromFiles.outLines().size());

    // Keeping every variant is the full ensemble: the same lines as without screening.
    CliRun all =
        CliRun.of(
            "classify",
            "--model",
            bundle,
            "--prompts",
            "demo-crc9",
            "--index",
            index.toString(),
            "--screen-prompts",
            "1",
            "--no-cache");
    CliRun plain =
        CliRun.of(
            "classify",
            "--model",
            bundle,
            "--prompts",
            "demo-crc9",
            "--index",
            index.toString(),
            "--no-cache");
    assertEquals(0, all.exitCode(), all.err());
    assertTrue(all.err().contains("ADI: kept 18 of 18 on 18 tiles"), all.err());
    assertEquals(plain.outLines(), all.outLines());
  }

  @Test
  void aShareOutsideZeroToOneIsOneLineAndExit2() throws IOException {
    Path tile = Files.createDirectories(tmp.resolve("none"));
    CliRun run =
        CliRun.of(
            "classify",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            "demo-crc9",
            "--images",
            tile.toString(),
            "--screen-prompts",
            "0");
    assertEquals(2, run.exitCode(), run.err());
    assertEquals(
        List.of(
            "pathlens classify: --screen-prompts SHARE is the share of each class's prompt"
                + " variants kept, in (0, 1]; got 0.0"),
        run.err().lines().filter(l -> !l.startsWith("WARNING")).toList());
  }
}
