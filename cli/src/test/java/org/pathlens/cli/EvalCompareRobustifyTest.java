package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.fixtures.Fixtures;

/**
 * eval compare of a config with and without batch correction: B is measured on its corrected
 * embeddings, as eval run measures it.
 */
class EvalCompareRobustifyTest {

  @TempDir Path tmp;

  @Test
  void eachSideAppliesItsOwnRobustifyToTheSharedEmbeddings() throws IOException {
    String root = Fixtures.root().toAbsolutePath().toString();
    String common =
        """
        model: %s/fixtures/demo-bundle
        dataset:
          generate: {per_class: 2, centers: 2, seed: 7}
        task: {type: zeroshot, prompts: %s/prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json}
        bootstrap: {resamples: 100, seed: 20260}
        """
            .formatted(root, root);
    Path plain = tmp.resolve("plain.yaml");
    Files.writeString(plain, "name: tiny\n" + common);
    Path combat = tmp.resolve("combat.yaml");
    Files.writeString(
        combat,
        "name: tiny-combat\n"
            + common
            + """
        robustify:
          batch_correction: {method: location_scale, by: site, reference: evaluated, min_tiles: 10}
        """);
    Path json = tmp.resolve("compare.json");
    CliRun run =
        CliRun.of(
            "eval",
            "compare",
            "--threads",
            "1",
            plain.toString(),
            combat.toString(),
            "--json",
            json.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode out = new ObjectMapper().readTree(json.toFile());
    EvalConfig b = EvalConfigReader.read(combat);
    List<MetricValue> measured =
        EvalRun.run(
                b,
                new EncoderOptions(DeviceChoice.CPU, false, EncoderOptions.DEFAULT_BATCH_SIZE, 1),
                skipped -> {},
                new EvalRun.TileCache(SyntheticDatasets.GENERATOR))
            .values();
    for (String name : List.of("macro_auroc", "weighted_f1", "accuracy")) {
      JsonNode m = EvalCompareCommandTest.metric(out, name);
      double expected =
          measured.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().value();
      assertEquals(expected, m.get("b").asDouble(), 1e-12, name);
    }
    // The correction reached B: its scores differ from A's uncorrected ones.
    JsonNode auroc = EvalCompareCommandTest.metric(out, "macro_auroc");
    assertNotEquals(auroc.get("a").asDouble(), auroc.get("b").asDouble());
  }
}
