package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * {@code pathlens ingest} in its own JVM, SIGKILLed once it has committed some batches: the same
 * command run again embeds only the tiles that were not committed, and the index ends as one
 * uninterrupted ingest leaves it (same tiles, same embeddings).
 */
class IngestKillResumeTest {
  private static final int TILES = 270; // 9 classes × 2 centers × 15
  private static final int COMMIT = 40;
  private static final Pattern SUMMARY =
      Pattern.compile(
          "^tiles (\\d+), unchanged (\\d+), slides 0, skipped 0, .*"
              + "the index holds (\\d+) tiles$");

  @TempDir Path data;

  @Test
  void theSameCommandAfterKill9EmbedsOnlyWhatWasLeft() throws Exception {
    Path tiles = data.resolve("tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(15, 2, 5, 224, 2)).manifest();
    Path killed = data.resolve("killed");
    List<String> ingest =
        List.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            killed.toString(),
            "--tiles",
            tiles.toString(),
            "--manifest",
            manifest.toString(),
            "--commit",
            Integer.toString(COMMIT),
            "--batch",
            "8",
            "--threads",
            "1",
            "--read-threads",
            "1");

    Process child = childJvm(ingest);
    int committedAtKill;
    try {
      committedAtKill = waitForCommittedTiles(killed, 2 * COMMIT, child);
      child.destroyForcibly(); // SIGKILL, while the child embeds its next batches
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed child did not exit");
    } finally {
      child.destroyForcibly();
    }
    int held;
    ModelBundle bundle = ModelBundle.load(Fixtures.demoBundle());
    try (TileIndex index =
        TileIndex.openForSearch(killed, IndexProvenance.of(bundle), IndexSettings.defaults())) {
      held = index.size();
    }
    assertTrue(
        held >= committedAtKill && held < TILES,
        held
            + " tiles held after the kill; "
            + committedAtKill
            + " were seen committed (a child that finished"
            + " before the kill needs a longer ingest)");

    CliRun resumed = CliRun.of(ingest.toArray(String[]::new));
    assertEquals(0, resumed.exitCode(), resumed.err());
    Matcher summary = SUMMARY.matcher(resumed.out().strip());
    assertTrue(summary.matches(), resumed.out());
    assertEquals(TILES - held, Integer.parseInt(summary.group(1)), "tiles embedded by the re-run");
    assertEquals(held, Integer.parseInt(summary.group(2)), "tiles kept from before the kill");
    assertEquals(TILES, Integer.parseInt(summary.group(3)));
    assertTrue(
        resumed.err().contains(held + " tiles already in the index, unchanged: kept"),
        resumed.err());

    Path whole = data.resolve("whole");
    List<String> uninterrupted = new ArrayList<>(ingest);
    uninterrupted.set(uninterrupted.indexOf(killed.toString()), whole.toString());
    assertEquals(0, CliRun.of(uninterrupted.toArray(String[]::new)).exitCode());
    Map<String, float[]> expected = embeddings(whole, bundle);
    Map<String, float[]> actual = embeddings(killed, bundle);
    assertEquals(expected.keySet(), actual.keySet());
    for (String id : expected.keySet()) {
      float cosine = Embeddings.dot(expected.get(id), actual.get(id));
      assertTrue(
          cosine > 0.99999f,
          id + ": cosine " + cosine + " to the uninterrupted ingest's embedding");
    }
  }

  /**
   * Polls the index the child writes until its latest commit holds at least {@code atLeast} tiles.
   */
  private static int waitForCommittedTiles(Path dir, int atLeast, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertTrue(
          child.isAlive(),
          "the ingest exited (code "
              + (child.isAlive() ? "" : child.exitValue())
              + ") before it was killed");
      if (Files.isDirectory(dir)) {
        try (FSDirectory directory = FSDirectory.open(dir);
            DirectoryReader reader = DirectoryReader.open(directory)) {
          if (reader.numDocs() >= atLeast) {
            return reader.numDocs();
          }
        } catch (IndexNotFoundException | NoSuchFileException notYet) {
          // no commit yet, or a commit point replaced while it was read
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the ingest committed fewer than " + atLeast + " tiles in 120 s");
  }

  private static Map<String, float[]> embeddings(Path dir, ModelBundle bundle) throws IOException {
    Map<String, float[]> byId = new TreeMap<>();
    try (TileIndex index =
        TileIndex.openForSearch(dir, IndexProvenance.of(bundle), IndexSettings.defaults())) {
      index.forEachTile(TileFilter.ALL, tile -> byId.put(tile.record().id(), tile.embedding()));
    }
    return byId;
  }

  /** {@code pathlens ARGS} in a JVM of its own, started as {@code ./pathlens} starts it. */
  private static Process childJvm(List<String> args) throws IOException {
    return ChildJvm.of(List.of(), args)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
