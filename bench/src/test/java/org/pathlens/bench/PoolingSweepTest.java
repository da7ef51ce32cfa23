package org.pathlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.prompts.PromptSetReader;

/**
 * The K sweep on real generated slides through the real ingest: its rows are what they claim to be,
 * and the table in docs/zero-shot.md is still what {@code pathlens bench pooling} computes.
 */
class PoolingSweepTest {

  @TempDir Path work;

  @Test
  void theSweepMatchesItsDefinitionAndTheReadmeTable() throws Exception {
    List<PoolingSweep.Row> rows;
    try (VisionLanguageModel model =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2))) {
      rows = PoolingSweep.run(model, PromptSetReader.builtIn("demo-crc9"), work);
    }
    assertEquals(2 * PoolingSweep.CENTERS.size(), rows.size());
    for (PoolingSweep.Row row : rows) {
      assertEquals(PoolingSweep.POOLINGS.size(), row.cells().size());
      int truthTiles = row.truth().values().stream().mapToInt(Integer::intValue).sum();
      assertEquals(row.tiles(), truthTiles, row.slideId() + ": every tile has a true class");
      if (row.biopsy()) {
        assertTrue(row.truth().containsKey("TUM"), row.slideId() + ": a biopsy holds tumour");
        assertEquals("TUM", row.expected());
      }
      // top-100 takes every tile of these small slides: the same prediction as mean pooling.
      assertEquals(row.cells().get(6).prediction(), row.cells().get(4).prediction(), row.slideId());
      assertEquals(
          row.cells().get(6).probability(), row.cells().get(4).probability(), 1e-6, row.slideId());
    }
    String readme = Files.readString(Fixtures.root().resolve("docs/zero-shot.md"));
    String begin = "<!-- bench pooling summary -->\n";
    String table =
        readme.substring(
            readme.indexOf(begin) + begin.length(),
            readme.indexOf("<!-- end bench pooling summary -->"));
    assertEquals(
        PoolingSweep.summary(rows),
        table,
        "the pooling table in docs/zero-shot.md is out of date: paste the summary of ./pathlens bench pooling");
  }
}
