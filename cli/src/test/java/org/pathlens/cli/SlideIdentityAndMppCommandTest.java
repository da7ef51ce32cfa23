package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.SlideRecord;

/**
 * Real slides from {@code ../shared}: a folder mixing a slide that records its µm/px (the Aperio
 * SVS, 0.499) and one that does not (the kidney TIFF) ingests in one command with {@code
 * --mpp-default} or {@code --mpp-csv}, each record saying where its µm/px came from; and moving the
 * folder is mended by {@code index relocate} without embedding anything again.
 */
class SlideIdentityAndMppCommandTest {

  @TempDir Path tmp;
  private Path folder;

  @BeforeEach
  void mixedFolder() throws IOException {
    Path slides = Fixtures.shared().map(s -> s.resolve("data/slides")).orElse(null);
    assumeTrue(slides != null && Files.isDirectory(slides), "../shared/data/slides missing");
    folder = Files.createDirectories(tmp.resolve("slides"));
    Files.copy(slides.resolve("CMU-1-Small-Region.svs"), folder.resolve("cmu.svs"));
    Files.copy(slides.resolve("kidney-48-5.tif"), folder.resolve("kidney.tif"));
  }

  private CliRun ingest(Path index, String... options) {
    String[] head = {
      "ingest",
      "--model",
      Fixtures.demoBundle().toString(),
      "--index",
      index.toString(),
      "--slides",
      folder.toString(),
      "--min-tissue",
      "0.001"
    };
    String[] args = new String[head.length + options.length];
    System.arraycopy(head, 0, args, 0, head.length);
    System.arraycopy(options, 0, args, head.length, options.length);
    return CliRun.of(args);
  }

  @Test
  void aMixedFolderIngestsInOneCommandAndEachRecordSaysWhereItsMppCameFrom() throws IOException {
    Path refused = tmp.resolve("refused");
    CliRun without = ingest(refused);
    assertTrue(
        without.err().contains("kidney.tif: the slide records no microns per pixel"),
        without.err());
    assertTrue(without.err().contains("--mpp-default MPP"), without.err());

    Path index = tmp.resolve("default");
    CliRun run = ingest(index, "--mpp-default", "0.5");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("slides 2, skipped 0"), run.out());
    SlideRecord cmu = SlideRecord.read(index, "cmu");
    assertEquals("file", cmu.mppSource());
    assertEquals(0.499, cmu.mppX(), 1e-9);
    SlideRecord kidney = SlideRecord.read(index, "kidney");
    assertEquals("default", kidney.mppSource());
    assertEquals(0.5, kidney.mppX(), 0);
    assertTrue(kidney.mppAssumed());
    assertTrue(
        run.err().contains("level-0 resolution assumed to be 0.5000 µm/px (--mpp-default)"),
        run.err());

    Path table = Files.writeString(tmp.resolve("mpp.csv"), "wsi,mpp\nkidney.tif,0.25\ncmu,0.5\n");
    Path byCsv = tmp.resolve("csv");
    CliRun csv = ingest(byCsv, "--mpp-csv", table.toString());
    assertEquals(0, csv.exitCode(), csv.out() + csv.err());
    assertEquals("csv", SlideRecord.read(byCsv, "kidney").mppSource());
    assertEquals(0.25, SlideRecord.read(byCsv, "kidney").mppX(), 0);
    assertEquals("csv", SlideRecord.read(byCsv, "cmu").mppSource(), "a row wins over the file");

    CliRun both = ingest(tmp.resolve("both"), "--mpp-default", "0.5", "--mpp-override", "0.5");
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("--mpp-override forces one µm/px on every slide"), both.err());
  }

  @Test
  void aMovedSlideFolderIsRelocatedWithoutEmbeddingAgain() throws IOException {
    Path index = tmp.resolve("index");
    CliRun first = ingest(index, "--mpp-default", "0.5");
    assertEquals(0, first.exitCode(), first.out() + first.err());
    Path moved = tmp.resolve("moved");
    Files.move(folder, moved);
    CliRun relocate =
        CliRun.of(
            "index",
            "relocate",
            "--index",
            index.toString(),
            "--from",
            folder.toString(),
            "--to",
            moved.toString());
    assertEquals(0, relocate.exitCode(), relocate.out() + relocate.err());
    assertTrue(relocate.out().startsWith("slides 2 moved"), relocate.out());
    assertEquals(moved.resolve("cmu.svs").toString(), SlideRecord.read(index, "cmu").path());
    CliRun check = CliRun.of("index", "check", "--index", index.toString());
    assertEquals(0, check.exitCode(), check.out());

    folder = moved; // ingest the moved folder again: every tile is kept
    CliRun again = ingest(index, "--mpp-default", "0.5");
    assertEquals(0, again.exitCode(), again.out() + again.err());
    assertTrue(again.out().startsWith("tiles 0, unchanged "), again.out());
  }
}
