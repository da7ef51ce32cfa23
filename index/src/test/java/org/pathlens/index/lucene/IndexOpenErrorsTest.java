package org.pathlens.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TestTiles;
import org.pathlens.index.TileRecord;

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
            () -> LuceneTileIndex.openForSearch(missing, BUNDLE, IndexSettings.defaults()));
    assertEquals("no tile index in " + missing + " (no such directory)", e.getMessage());
    assertFalse(Files.exists(missing));
  }

  @Test
  void anIndexBeingWrittenIsNamedAsSuch() throws IOException {
    Path dir = tmp.resolve("idx");
    try (LuceneTileIndex writer = LuceneTileIndex.open(dir, BUNDLE, IndexSettings.defaults())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> LuceneTileIndex.open(dir, BUNDLE, IndexSettings.defaults()));
      assertTrue(
          e.getMessage().startsWith("index " + dir + " is being written by another process"),
          e.getMessage());
      assertEquals(0, writer.size());
    }
  }

  @Test
  void aTruncatedCommitIsADamagedIndexWithTheWayOut() throws IOException {
    Path dir = tmp.resolve("idx");
    try (LuceneTileIndex index = LuceneTileIndex.open(dir, BUNDLE, IndexSettings.defaults())) {
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
                          ? LuceneTileIndex.openForSearch(dir, BUNDLE, IndexSettings.defaults())
                          : LuceneTileIndex.open(dir, BUNDLE, IndexSettings.defaults()))
                      .close());
      assertTrue(e.getMessage().startsWith("index " + dir + " is damaged ("), e.getMessage());
      assertTrue(
          e.getMessage()
              .endsWith(
                  "restore it from a copy, or rebuild it by ingesting into a new directory;"
                      + " ./pathlens index check --index "
                      + dir
                      + " reports every fault"),
          e.getMessage());
    }
  }

  /**
   * 64 flipped bytes in the middle of the largest segment file (the vectors, mostly): Lucene reads
   * such files unchecked, so before verification on open the index answered with a changed vector
   * and no error.
   */
  @Test
  void flippedBytesInASegmentAreFoundOnOpen() throws IOException {
    Path dir = tmp.resolve("idx");
    TestTiles data = new TestTiles(300, 64, 5);
    try (LuceneTileIndex index =
        LuceneTileIndex.open(dir, TestTiles.PROVENANCE, IndexSettings.defaults())) {
      index.add(data.tiles, data.embeddings);
    }
    Path largest = largestFile(dir);
    flip(largest, 64);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                LuceneTileIndex.openForSearch(dir, TestTiles.PROVENANCE, IndexSettings.defaults()));
    assertTrue(e.getMessage().startsWith("index " + dir + " is damaged ("), e.getMessage());
    assertTrue(e.getMessage().contains("checksum failed"), e.getMessage());
  }

  /** A commit whose new segment is damaged is not served: searches keep the last good view. */
  @Test
  void aRefreshDoesNotServeADamagedNewSegment() throws IOException {
    Path dir = tmp.resolve("idx");
    TestTiles data = new TestTiles(200, 64, 6);
    IndexSettings settings = IndexSettings.defaults().withCommitSize(100);
    try (LuceneTileIndex writer = LuceneTileIndex.open(dir, TestTiles.PROVENANCE, settings)) {
      writer.add(data.tiles.subList(0, 100), data.embeddings.subList(0, 100));
    }
    try (LuceneTileIndex reader =
        LuceneTileIndex.openForSearch(dir, TestTiles.PROVENANCE, IndexSettings.defaults())) {
      Set<String> before = fileNames(dir);
      try (LuceneTileIndex writer = LuceneTileIndex.open(dir, TestTiles.PROVENANCE, settings)) {
        writer.add(data.tiles.subList(100, 200), data.embeddings.subList(100, 200));
      }
      Path newest =
          fileNames(dir).stream()
              .filter(n -> !before.contains(n) && (n.endsWith(".cfs") || n.endsWith(".vec")))
              .map(dir::resolve)
              .findFirst()
              .orElseThrow();
      flip(newest, 64);
      IOException e = assertThrows(IOException.class, reader::refresh);
      assertTrue(e.getMessage().contains("checksum failed"), e.getMessage());
      assertEquals(100, reader.size(), "the last good view");
    }
  }

  private static Path largestFile(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
    }
  }

  private static Set<String> fileNames(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .collect(java.util.stream.Collectors.toSet());
    }
  }

  /** Inverts {@code count} bytes in the middle of {@code file}. */
  static void flip(Path file, int count) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int start = bytes.length / 2;
    for (int i = start; i < start + count; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    Files.write(file, bytes);
  }
}
