package org.pathlens.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TestTiles;
import org.pathlens.index.TileFilter;
import org.pathlens.testkit.ChildJvm;

/**
 * kill -9 in the middle of an ingest: the index opens, holds only whole committed batches, and
 * running the same ingest again completes it without duplicates.
 */
class CrashSafetyTest {

  static final long SEED = 99;
  static final int TILES = 8000;
  static final int BATCH = 500;

  @TempDir Path dir;

  @Test
  void killedIngestLeavesWholeBatchesAndResumesWithoutDuplicates() throws Exception {
    Process child = ingest();
    int committed = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          committed = Integer.parseInt(line.substring("committed ".length()));
          if (committed >= 3 * BATCH) {
            break;
          }
        }
      }
      child.destroyForcibly(); // SIGKILL, while the child writes its next batch
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed child did not exit");
    }
    assertTrue(committed >= 3 * BATCH, "the child stopped before its third commit: " + committed);

    assertTrue(isClean(), "CheckIndex finds problems after the kill");
    TestTiles data = new TestTiles(TILES, 64, SEED);
    try (LuceneTileIndex index =
        LuceneTileIndex.openForSearch(dir, TestTiles.PROVENANCE, IndexSettings.defaults())) {
      int size = index.size();
      assertTrue(size < TILES, "the child finished before it was killed; make the ingest longer");
      assertTrue(
          size >= committed, size + " tiles after " + committed + " were reported committed");
      assertEquals(0, size % BATCH, size + " tiles is not a whole number of batches");
      for (int i = 0; i < TILES; i += 97) {
        assertEquals(
            i < size, index.get(data.tiles.get(i).id()).isPresent(), "tile " + i + " of " + size);
      }
    }

    Process rerun = ingest();
    String output = new String(rerun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(rerun.waitFor(300, TimeUnit.SECONDS), "the re-run did not finish");
    assertEquals(0, rerun.exitValue(), output);
    try (LuceneTileIndex index =
        LuceneTileIndex.openForSearch(dir, TestTiles.PROVENANCE, IndexSettings.defaults())) {
      assertEquals(TILES, index.size());
      for (int i = 0; i < TILES; i += 97) {
        assertEquals(data.tiles.get(i), index.get(data.tiles.get(i).id()).orElseThrow());
      }
      assertEquals(
          data.tiles.get(4321).id(),
          index.search(data.embeddings.get(4321), 1, TileFilter.ALL).getFirst().id());
    }
    assertTrue(isClean());
  }

  private Process ingest() throws IOException {
    return ChildJvm.of(
            "512m",
            List.of(),
            CrashIngestMain.class,
            List.of(dir.toString(), Integer.toString(TILES), Integer.toString(BATCH)))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private boolean isClean() throws IOException {
    try (FSDirectory directory = FSDirectory.open(dir);
        CheckIndex check = new CheckIndex(directory)) {
      check.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS);
      return check.checkIndex().clean;
    }
  }
}
