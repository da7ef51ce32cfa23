package org.pathlens.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.IndexWriteException;
import org.pathlens.index.TestTiles;

/**
 * The disk fills up in the middle of an ingest: the error names the index and the cause, the last
 * commit stays whole and searchable, and no partial segment file is left behind.
 */
class DiskFullTest {

  @TempDir Path tmp;

  private final TestTiles data = new TestTiles(300, 64, 3);

  @Test
  void aFullDiskKeepsTheLastCommitAndLeavesNoPartialFiles() throws IOException {
    Path dir = tmp.resolve("idx");
    IndexSettings settings = IndexSettings.defaults().withCommitSize(100);
    FullDisk disk = new FullDisk(FSDirectory.open(dir), Long.MAX_VALUE);
    try (LuceneTileIndex index = LuceneTileIndex.open(dir, disk, TestTiles.PROVENANCE, settings)) {
      index.add(data.tiles.subList(0, 100), data.embeddings.subList(0, 100));
      disk.setBudget(20_000); // less than the next 100 tiles need
      IndexWriteException e =
          assertThrows(
              IndexWriteException.class,
              () -> index.add(data.tiles.subList(100, 300), data.embeddings.subList(100, 300)));
      assertTrue(
          e.getMessage().startsWith("cannot write index " + dir + ": No space left on device"),
          e.getMessage());
      assertTrue(e.getMessage().contains("keeps its last commit (100 tiles)"), e.getMessage());
    }
    assertEquals(committedFiles(dir), filesIn(dir), "files beyond the last commit");
    try (LuceneTileIndex index =
        LuceneTileIndex.openForSearch(dir, TestTiles.PROVENANCE, IndexSettings.defaults())) {
      assertEquals(100, index.size());
    }
  }

  private static Set<String> committedFiles(Path dir) throws IOException {
    try (FSDirectory directory = FSDirectory.open(dir)) {
      SegmentInfos infos = SegmentInfos.readLatestCommit(directory);
      Set<String> files = new TreeSet<>(infos.files(true));
      files.add("write.lock");
      assertTrue(DirectoryReader.indexExists(directory));
      return files;
    }
  }

  private static Set<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
    }
  }
}
