package org.pathlens.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.BaseTileIndexTestCase;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.TestTiles;
import org.pathlens.index.TileFilter;

/** The index contract on the embedded backend, and what only a Lucene directory does. */
class LuceneTileIndexTest extends BaseTileIndexTestCase {

  @TempDir Path dir;

  @Override
  protected IndexLocation newLocation(String name) {
    return IndexLocation.of(dir.resolve(name));
  }

  private LuceneTileIndex open() throws IOException {
    return LuceneTileIndex.open(dir.resolve("lucene"), TestTiles.PROVENANCE, EXACT_ENOUGH);
  }

  @Test
  void aDirectoryIsTheEmbeddedBackend() {
    assertTrue(IndexLocation.parse(dir.toString()).backend() instanceof LuceneBackend);
  }

  @Test
  void expungingDeletesKeepsEveryLiveTile() throws IOException {
    try (LuceneTileIndex index = open()) {
      index.add(data.tiles, data.embeddings);
      index.deleteSlide("S-2");
      index.expungeDeletes();
      assertEquals(250, index.size());
      assertEquals(50, index.slideEmbeddings("S-3").size());
    }
  }

  /** Writes commit in batches, and searches run on the last commit: never half a batch. */
  @Test
  void searchesDuringAnIngestSeeWholeBatches() throws Exception {
    try (LuceneTileIndex index = open()) {
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      index.add(data.tiles, data.embeddings);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      while (writer.isAlive()) {
        int size = index.size();
        assertEquals(0, size % 100, "a search saw " + size + " tiles, not whole batches of 100");
        int hits = index.search(data.embeddings.get(7), 10, TileFilter.ALL).size();
        assertTrue(hits <= 10);
      }
      writer.join();
      assertEquals(300, index.size());
    }
  }
}
