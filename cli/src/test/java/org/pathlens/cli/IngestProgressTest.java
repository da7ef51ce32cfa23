package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
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
    StringWriter printed = new StringWriter();
    PrintWriter err = new PrintWriter(printed, true);
    long longAgo = System.nanoTime() - IngestProgress.LOG_INTERVAL.toNanos() - 1;
    try (IngestProgress progress = new IngestProgress.Lines(err, longAgo)) {
      progress.planned(100, "slide-1");
      progress.indexed(50); // the interval has passed since the start: a line
      progress.indexed(10); // just after it: none
      progress.skipped(new SkippedInput("b.svs", "b.svs: not a slide"));
    }
    String[] lines = printed.toString().split("\n");
    assertEquals(3, lines.length, String.join("\n", lines));
    assertEquals("pathlens ingest: slide-1: 100 tiles", lines[0]);
    assertEquals(true, lines[1].startsWith("pathlens ingest: 50/100 tiles (50 %), "), lines[1]);
    assertEquals("pathlens ingest: skipped b.svs: not a slide", lines[2]);
  }
}
