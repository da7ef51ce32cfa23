package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening an index that is missing, locked by a writer or damaged: one message, nothing created.
 */
class IndexOpenErrorsTest {

  private static final IndexProvenance BUNDLE = new IndexProvenance("m", "0123456789abcdef", 4);

  @TempDir Path tmp;

  @Test
  void aReaderNeverCreatesAMissingIndexDirectory() {
    Path missing = tmp.resolve("no-index");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TileIndex.openForSearch(missing, BUNDLE, IndexSettings.defaults()));
    assertEquals("no tile index in " + missing + " (no such directory)", e.getMessage());
    assertFalse(Files.exists(missing));
  }

  @Test
  void anIndexBeingWrittenIsNamedAsSuch() throws IOException {
    Path dir = tmp.resolve("idx");
    try (TileIndex writer = TileIndex.open(dir, BUNDLE, IndexSettings.defaults())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> TileIndex.open(dir, BUNDLE, IndexSettings.defaults()));
      assertTrue(
          e.getMessage().startsWith("index " + dir + " is being written by another process"),
          e.getMessage());
      assertEquals(0, writer.size());
    }
  }

  @Test
  void aTruncatedCommitIsADamagedIndexWithTheWayOut() throws IOException {
    Path dir = tmp.resolve("idx");
    try (TileIndex index = TileIndex.open(dir, BUNDLE, IndexSettings.defaults())) {
      index.add(List.of(TileRecord.of("a", "a.png")), List.of(new float[] {1, 0, 0, 0}));
    }
    Path segments;
    try (var files = Files.list(dir)) {
      segments =
          files
              .filter(f -> f.getFileName().toString().startsWith("segments_"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(segments);
    Files.write(segments, Arrays.copyOf(bytes, bytes.length / 2));
    for (boolean forSearch : new boolean[] {true, false}) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  (forSearch
                          ? TileIndex.openForSearch(dir, BUNDLE, IndexSettings.defaults())
                          : TileIndex.open(dir, BUNDLE, IndexSettings.defaults()))
                      .close());
      assertTrue(e.getMessage().startsWith("index " + dir + " is damaged ("), e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith("restore it from a copy, or rebuild it by ingesting into a new directory"),
          e.getMessage());
    }
  }
}
