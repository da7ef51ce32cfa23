package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.DicomWsiFiles;
import org.pathlens.testkit.TestData;

/** {@code slide info} and {@code ingest --slides} on DICOM slides: a series folder and a file. */
class DicomSlideCommandTest {
  @TempDir static Path work;
  private static Path series;

  @BeforeAll
  static void writeSeries() throws IOException {
    Optional<String> python = TestData.pythonWithPydicom();
    assumeTrue(python.isPresent(), "needs a Python with pydicom (apt-get install python3-pydicom)");
    series = DicomWsiFiles.series(python.get(), work.resolve("series"));
  }

  @Test
  void slideInfoDescribesASeriesFolder() {
    CliRun run =
        CliRun.of(
            "slide",
            "info",
            series.resolve("pyramid").toString(),
            "--min-tissue",
            "0",
            "--read-tiles");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.outLines().contains("vendor: dicom (read by DicomSlideReader)"), run.out());
    assertTrue(run.outLines().contains("mpp: 0.2500 x 0.5000 µm/px (from dicom)"), run.out());
    assertTrue(run.outLines().contains("level 1: 300 x 225, downsample 2.0000"), run.out());
    assertTrue(run.outLines().contains("level 2: 150 x 113, downsample 3.9912"), run.out());
    assertTrue(run.out().contains("tiles/s"), run.out());
  }

  @Test
  void aBadSeriesIsOneLineAndExitCodeTwo() {
    Path noBase = series.resolve("bad/no-base");
    CliRun run = CliRun.of("slide", "info", noBase.toString());
    assertEquals(2, run.exitCode());
    assertTrue(
        run.err().contains(noBase + ": DICOM: the series is missing its base level"), run.err());
    assertEquals(1, run.err().lines().filter(l -> !l.startsWith("WARNING")).count(), run.err());
  }

  @Test
  void ingestTakesAFolderOfSlidesWithASeriesSubfolderAndSkipsABadOne() throws IOException {
    Path slides = Files.createDirectories(work.resolve("slides"));
    Files.copy(series.resolve("sparse.dcm"), slides.resolve("sparse.dcm"));
    Path pyramid = Files.createDirectories(slides.resolve("case-1"));
    for (String name : new String[] {"level0.dcm", "level1.dcm", "level2.dcm", "label.dcm"}) {
      Files.copy(series.resolve("pyramid").resolve(name), pyramid.resolve(name));
    }
    Path twoSeries = Files.createDirectories(slides.resolve("mixed"));
    for (String name : new String[] {"a.dcm", "b.dcm"}) {
      Files.copy(series.resolve("bad/two-series").resolve(name), twoSeries.resolve(name));
    }
    Path index = work.resolve("index");
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--threads",
            "2",
            "--min-tissue",
            "0",
            "--mpp-override",
            "0.25",
            "--slides",
            slides.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("slides 2, skipped 1"), run.out());
    assertTrue(
        run.err()
            .contains(
                "pathlens ingest: skipped " + twoSeries + ": DICOM: the folder holds 2 series ("),
        run.err());
    assertTrue(Files.isRegularFile(index.resolve("slides/case-1.json")));
    assertTrue(Files.isRegularFile(index.resolve("thumbnails/case-1.png")));
    assertTrue(Files.isRegularFile(index.resolve("slides/sparse.json")));
    assertTrue(
        Files.readString(index.resolve("slides/case-1.json")).contains("\"dicom\""),
        "the record names the vendor");
  }

  /**
   * One frame that does not decode costs its tile only: the slide's other tiles are ingested, the
   * lost tile is named by its position, and its record counts what went in.
   */
  @Test
  void aFrameThatDoesNotDecodeCostsItsTileOnly() throws IOException {
    Path slides = Files.createDirectories(work.resolve("bad-frame-slides"));
    Files.copy(series.resolve("bad/bad-frame.dcm"), slides.resolve("bad-frame.dcm"));
    Path index = work.resolve("bad-frame-index");
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--min-tissue",
            "0",
            "--mpp-override",
            "0.5",
            "--mpp",
            "0.5",
            "--tile-size",
            "128",
            "--slides",
            slides.toString());
    assertEquals(0, run.exitCode(), run.err());
    // 256 x 256 in four 128 px frames; the second (x 128, y 0) is not JPEG.
    assertTrue(run.out().startsWith("tiles 3"), run.out() + run.err());
    assertTrue(run.out().contains("slides 1, skipped 1"), run.out());
    assertTrue(run.err().contains("pathlens ingest: skipped bad-frame@128,0: "), run.err());
    assertTrue(Files.readString(index.resolve("slides/bad-frame.json")).contains("\"tiles\" : 3"));
    // the thumbnail is made around the bad frame, not lost with it
    assertTrue(Files.isRegularFile(index.resolve("thumbnails/bad-frame.png")));
  }

  /**
   * A slide most of whose frames do not decode (12 of 16) is stopped once more than a quarter of
   * its tiles are lost, and reported by name, rather than kept as a patchwork.
   */
  @Test
  void aSlideMostlyUnreadableIsStoppedAndNamed() throws IOException {
    Path slides = Files.createDirectories(work.resolve("mostly-bad-slides"));
    Files.copy(series.resolve("bad/mostly-bad.dcm"), slides.resolve("mostly-bad.dcm"));
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            work.resolve("mostly-bad-index").toString(),
            "--min-tissue",
            "0",
            "--mpp-override",
            "0.5",
            "--tile-size",
            "128",
            "--batch",
            "1",
            "--slides",
            slides.toString());
    assertTrue(run.out().contains("slides 0"), run.out() + run.err());
    assertTrue(
        run.err()
            .contains(
                "mostly-bad.dcm: 8 of its 16 tiles could not be decoded, more than a quarter: the"
                    + " file is damaged"),
        run.err());
  }

  @Test
  void theSharedDicomFileIngestsWithAnAssumedMpp() throws IOException {
    Optional<Path> shared = Fixtures.shared();
    assumeTrue(shared.isPresent(), "needs ../shared (the real slides)");
    Path file = shared.get().resolve("data/slides/small_dicom.dcm");
    Path index = work.resolve("shared-index");
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--threads",
            "2",
            "--mpp-override",
            "0.25",
            "--slides",
            file.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("slides 1, skipped 0"), run.out());
    assertTrue(Files.isRegularFile(index.resolve("slides/small_dicom.json")));
  }
}
