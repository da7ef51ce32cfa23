package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.synth.ManifestRow;

/**
 * {@code generate tiles --layout}: cases for slide- and patient-level retrieval, and bad values.
 */
class GenerateTilesLayoutCommandTest {

  @TempDir Path tmp;

  @Test
  void casesGiveEachPatientTwoSlidesOfItsClass() throws IOException {
    Path out = tmp.resolve("cases");
    CliRun run =
        CliRun.of(
            "generate",
            "tiles",
            "--out",
            out.toString(),
            "--per-class",
            "4",
            "--centers",
            "1",
            "--seed",
            "7",
            "--workers",
            "1",
            "--layout",
            "cases");
    assertEquals(0, run.exitCode(), run.err());
    List<ManifestRow> rows = ManifestRow.read(out.resolve("manifest.csv"));
    assertEquals(36, rows.size());
    // 4 tiles per class on its 4 slides (none lent below 12): 18 patients of one class each.
    var labels =
        rows.stream()
            .collect(
                Collectors.groupingBy(
                    ManifestRow::patientId,
                    Collectors.mapping(ManifestRow::label, Collectors.toSet())));
    assertEquals(18, labels.size());
    assertEquals(Set.of("ADI"), labels.get("center-a-P01"));
    assertEquals(Set.of("TUM"), labels.get("center-a-P18"));
  }

  @Test
  void aLayoutItDoesNotKnowAndTooFewTilesForCasesAreOneLineEach() {
    CliRun unknown =
        CliRun.of("generate", "tiles", "--out", tmp.resolve("a").toString(), "--layout", "wards");
    assertEquals(ErrorReporter.USER_ERROR, unknown.exitCode());
    assertTrue(
        unknown.err().contains("--layout: layout \"wards\" is not one of mixed, cases"),
        unknown.err());
    CliRun few =
        CliRun.of(
            "generate",
            "tiles",
            "--out",
            tmp.resolve("b").toString(),
            "--per-class",
            "3",
            "--layout",
            "cases");
    assertEquals(ErrorReporter.USER_ERROR, few.exitCode());
    assertTrue(few.err().contains("the cases layout needs per-class >= 4"), few.err());
  }
}
