package org.pathlens.index.lucene;

import java.nio.file.Path;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TestTiles;

/**
 * The child process of {@link CrashSafetyTest}: ingests {@code tiles} test tiles into {@code dir}
 * in commits of {@code commitSize}, printing {@code committed N} after each commit.
 */
public final class CrashIngestMain {

  private CrashIngestMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int tiles = Integer.parseInt(args[1]);
    int commitSize = Integer.parseInt(args[2]);
    TestTiles data = new TestTiles(tiles, 64, CrashSafetyTest.SEED);
    try (LuceneTileIndex index =
        LuceneTileIndex.open(
            dir,
            TestTiles.PROVENANCE,
            IndexSettings.defaults().withCommitSize(commitSize).withMergeWorkers(1))) {
      for (int start = 0; start < tiles; start += commitSize) {
        int end = Math.min(tiles, start + commitSize);
        index.add(data.tiles.subList(start, end), data.embeddings.subList(start, end));
        System.out.println("committed " + end);
        System.out.flush();
      }
    }
  }
}
