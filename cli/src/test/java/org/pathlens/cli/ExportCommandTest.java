package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * {@code pathlens export} as a user meets it: one line and exit code 2 for what they can fix, no
 * half-written bundle left behind, and on success a bundle that {@code embed} runs. Parity with the
 * original model code is {@code ExportParityTest}'s (encoders).
 */
class ExportCommandTest {

  @TempDir Path dir;

  @Test
  void aMissingInterpreterIsOneLine() throws IOException {
    Path checkpoint = Files.writeString(dir.resolve("w.pt"), "x");
    CliRun run =
        CliRun.of(
            "export",
            "open_clip",
            "--arch",
            "ViT-B-32",
            "--checkpoint",
            checkpoint.toString(),
            "--out",
            dir.resolve("bundle").toString(),
            "--python",
            dir.resolve("no-such-python").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no-such-python: cannot run it"), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertFalse(Files.exists(dir.resolve("bundle")));
  }

  @Test
  void aBundleFolderInUseIsNotTouched() throws IOException {
    Path out = Files.createDirectories(dir.resolve("bundle"));
    Path keep = Files.writeString(out.resolve("notes.txt"), "mine");
    CliRun run =
        CliRun.of(
            "export",
            "hf-clip",
            "--model-dir",
            dir.toString(),
            "--out",
            out.toString(),
            "--python",
            "python3");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("exists and is not empty"), run.err());
    assertEquals("mine", Files.readString(keep));
  }

  @Test
  void anArchitectureOrConfigIsRequired() throws IOException {
    Path checkpoint = Files.writeString(dir.resolve("w.pt"), "x");
    CliRun run =
        CliRun.of(
            "export",
            "open_clip",
            "--checkpoint",
            checkpoint.toString(),
            "--out",
            dir.resolve("b").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("give --arch NAME or --config FILE"), run.err());
    CliRun feature =
        CliRun.of(
            "export",
            "conch",
            "--checkpoint",
            checkpoint.toString(),
            "--image-feature",
            "penultimate",
            "--out",
            dir.resolve("b").toString());
    assertEquals(2, feature.exitCode());
    assertEquals(
        "Invalid value for option '--image-feature': expected one of [projected, pre-projection]"
            + " (case-insensitive) but was 'penultimate'",
        feature.err().lines().findFirst().orElseThrow());
  }

  @Test
  void aMissingLibraryIsOneLineAndLeavesNothing() throws IOException {
    String python = pythonWithTorch();
    Path checkpoint = Files.writeString(dir.resolve("w.pt"), "x");
    Path out = dir.resolve("bundle");
    CliRun run =
        CliRun.of(
            "export",
            "open_clip",
            "--arch",
            "ViT-B-32",
            "--checkpoint",
            checkpoint.toString(),
            "--out",
            out.toString(),
            "--python",
            python,
            "--pythonpath",
            dir.resolve("empty").toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("cannot import open_clip"), run.err());
    assertTrue(run.err().contains("--pythonpath"), run.err());
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of("w.pt"), left.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void exportsAnOpenClipModelThatEmbedRuns() throws Exception {
    String python = pythonWithTorch();
    Path refmodels = Fixtures.shared().map(s -> s.resolve("refmodels")).orElse(null);
    assumeTrue(refmodels != null && Files.isDirectory(refmodels), "../shared/refmodels missing");
    Path tile = refmodels.resolveSibling("data/tiles/crc-he/ADI-AAQEFMRI.tif");
    Path texts = Files.writeString(dir.resolve("texts.json"), "[\"an H&E image of tumor.\"]");
    Path work = dir.resolve("model");
    Process reference =
        new ProcessBuilder(
                python,
                Fixtures.dir().resolve("scripts/refmodels_reference.py").toString(),
                "open_clip",
                "--work",
                work.toString(),
                "--images",
                tile.toString(),
                "--texts-file",
                texts.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(reference.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(reference.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, reference.exitValue(), log);
    JsonNode ref = new ObjectMapper().readTree(work.resolve("reference.json").toFile());

    List<String> args = new ArrayList<>();
    ref.get("export_args").forEach(a -> args.add(a.asText()));
    args.add(0, "export");
    ref.get("pythonpath").forEach(p -> args.add("--pythonpath=" + p.asText()));
    Path out = dir.resolve("bundle");
    args.addAll(List.of("--python", python, "--out", out.toString()));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("image tower traced"), run.out());
    assertTrue(run.out().contains("image projection traced"), run.out());
    // two images, three prompts (one that open_clip's text cleaning changes) and the two images'
    // pre-projection features through the projection
    assertTrue(run.out().contains("canary passed: 7 inputs"), run.out());
    assertTrue(run.out().contains("bundle ready: --model " + out), run.out());

    CliRun embed = CliRun.of("embed", "--model", out.toString(), "--images", tile.toString());
    assertEquals(0, embed.exitCode(), embed.err());
    JsonNode line = new ObjectMapper().readTree(embed.outLines().get(0));
    double cosine = 0;
    for (int d = 0; d < line.get("embedding").size(); d++) {
      cosine +=
          line.get("embedding").get(d).asDouble() * ref.at("/images/0/embedding").get(d).asDouble();
    }
    assertTrue(cosine >= 0.9999, "cosine " + cosine);

    // the bundle records open_clip's cleaning: text its ftfy would re-decode is one line, exit 2
    CliRun mojibake = CliRun.of("embed", "--model", out.toString(), "--text", "caf\u00c3\u00a9");
    assertEquals(2, mojibake.exitCode(), mojibake.err());
    assertEquals(1, mojibake.err().strip().lines().count(), mojibake.err());
    assertTrue(mojibake.err().contains("\"caf\u00c3\u00a9\" looks like mojibake"), mojibake.err());
  }

  private static String pythonWithTorch() {
    return TestData.pythonWithTorch()
        .orElseThrow(
            () ->
                new org.opentest4j.TestAbortedException(
                    "no Python with torch (PATHLENS_PYTHON or /usr/bin/python3): skipped"));
  }
}
