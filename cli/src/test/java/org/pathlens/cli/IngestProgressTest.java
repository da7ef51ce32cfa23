package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.pathlens.index.ingest.SkippedInput;

class IngestProgressTest {

  @Test
  void logLinesGiveDoneOfPlannedRateAndEta() {
    assertEquals(
        "pathlens ingest: 320/1200 tiles (27 %), 80.0 tiles/s, ETA 11 s",
        IngestProgress.Lines.line(320, 1200, 4.0));
    assertEquals(
        "pathlens ingest: 0/10 tiles (0 %), 0.0 tiles/s, ETA ?",
        IngestProgress.Lines.line(0, 10, 0));
  }

  @Test
  void linesAppearPerPlannedInputAndAfterTheIntervalOnly() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    long longAgo = System.nanoTime() - IngestProgress.LOG_INTERVAL.toNanos() - 1;
    try (IngestProgress progress = new IngestProgress.Lines(err, longAgo)) {
      progress.planned(100, "slide-1");
      progress.indexed(50); // the interval has passed since the start: a line
      progress.indexed(10); // just after it: none
      progress.skipped(new SkippedInput("b.svs", "b.svs: not a slide"));
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(3, lines.length, String.join("\n", lines));
    assertEquals("pathlens ingest: slide-1: 100 tiles", lines[0]);
    assertEquals(true, lines[1].startsWith("pathlens ingest: 50/100 tiles (50 %), "), lines[1]);
    assertEquals("pathlens ingest: skipped b.svs: not a slide", lines[2]);
  }
}
