package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;

/** eval table over the committed tiny configs, with and without ComBat: one row per setting. */
class EvalTableCommandTest {

  @TempDir Path tmp;

  @Test
  void theTinyConfigsMakeATableOfSettingsByMetrics() throws IOException {
    Path out = tmp.resolve("report");
    Files.writeString(tmp.resolve("report.md"), "# Tiny\n\nWritten by hand.\n");
    CliRun run =
        CliRun.of(
            "eval",
            "table",
            "--threads",
            "1",
            "--out",
            out.toString(),
            "--metrics",
            "robustness_index,clustering_score,accuracy@center-a",
            EvalRunCommandTest.config("demo-tiny-robustness.yaml"),
            EvalRunCommandTest.config("demo-tiny-robustness-combat.yaml"),
            EvalRunCommandTest.config("demo-tiny-zeroshot-combat.yaml"));
    assertEquals(0, run.exitCode(), run.out() + run.err());
    String md = Files.readString(tmp.resolve("report.md"));
    assertTrue(md.startsWith("# Tiny\n\nWritten by hand.\n\n<!-- pathlens eval table: begin"), md);
    assertTrue(
        md.contains("| method | robustness_index | clustering_score | accuracy@center-a |"), md);
    assertTrue(md.contains("| none | 0.9306 ["), md);
    assertTrue(md.contains("| ComBat, cross-fit | 0.9459 ["), md);
    assertTrue(md.contains("| ComBat, fit on the evaluated tiles | – | – | 0.9722 ["), md);
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
    assertEquals(3, json.get("rows").size());
    assertEquals(
        0.972222,
        json.get("rows").get(2).get("metrics").get("accuracy@center-a").get("value").asDouble(),
        1e-6);
    assertTrue(
        run.out()
            .contains("demo-tiny-robustness-combat [ComBat, cross-fit], 72 tiles, 5 OK, 0 FAIL"),
        run.out());
  }

  @Test
  void updateRecordsTheValuesAndTablesThem() throws IOException {
    Path config = tmp.resolve("fresh.yaml");
    String committed =
        Files.readString(Path.of(EvalRunCommandTest.config("demo-tiny-zeroshot-combat.yaml")));
    Files.writeString(
        config,
        committed
                .substring(0, committed.indexOf("expected:"))
                .replace("../../", Fixtures.root() + "/")
            + "expected: {}\n");
    CliRun run =
        CliRun.of(
            "eval",
            "table",
            "--threads",
            "1",
            "--update",
            "--out",
            tmp.resolve("t").toString(),
            config.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.out()
            .contains(
                "fresh.yaml: demo-tiny-zeroshot-combat [ComBat, fit on the evaluated tiles], 72 tiles, 4 OK, 0 FAIL"),
        run.out());
    assertTrue(
        Files.readString(config).contains("  accuracy@center-a: 0.972222\n"),
        Files.readString(config));
  }
}
