package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.SlideRecord;

/**
 * A real slide with almost no tissue ({@code ../shared/data/slides/kidney-48-5.tif}, about 0.3 %):
 * the ingest says why it gave no tile and which option changes that, instead of a bare "tiles 0".
 */
class NoTissueSlideCommandTest {

  @TempDir Path tmp;

  @Test
  void aSlideWithoutEnoughTissueSaysWhyAndWhatToChange() throws java.io.IOException {
    Path slide = Fixtures.shared().map(s -> s.resolve("data/slides/kidney-48-5.tif")).orElse(null);
    assumeTrue(slide != null && Files.isRegularFile(slide), "../shared/data/slides missing");
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            tmp.resolve("index").toString(),
            "--slides",
            slide.toString(),
            "--mpp-override",
            "0.5");
    assertEquals(1, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().startsWith("tiles 0"), run.out());
    assertTrue(
        run.err().contains(slide + ": no tile has 50 % tissue (--min-tissue 0.5); tissue covers "),
        run.err());
    assertTrue(run.err().contains("lower --min-tissue"), run.err());

    // The slide keeps a record (its page says "no tissue tiles") that index check does not flag.
    SlideRecord record = SlideRecord.read(tmp.resolve("index"), "kidney-48-5");
    assertEquals(0, record.tiles());
    assertTrue(
        record.tissueFraction() > 0 && record.tissueFraction() < 0.01,
        "" + record.tissueFraction());
    CliRun check = CliRun.of("index", "check", "--index", tmp.resolve("index").toString());
    assertEquals(0, check.exitCode(), check.out());
  }
}
