package org.pathlens.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Points a slide's record and tiles at the place its file was moved to, keeping every embedding:
 * moving a slide folder must not cost a re-embedding. The file at the new place must be the one the
 * record was made from ({@link SlideFingerprint}), or the slide id would stand for another file.
 */
public final class SlideRelocation {

  private SlideRelocation() {}

  /**
   * Moves slide {@code record} to {@code newPath}: its tiles' sources under the old slide path (the
   * slide file, or feature files beside it when under {@code oldRoot}) and its record. Returns the
   * number of tiles rewritten.
   *
   * @param oldRoot the folder (or file) the slide was under; sources under it move to {@code
   *     newRoot}
   * @throws IllegalArgumentException when the file at {@code newPath} is another file
   */
  public static long move(TileIndex index, SlideRecord record, Path oldRoot, Path newRoot)
      throws IOException {
    Path newPath = moved(Path.of(record.path()), oldRoot, newRoot);
    String fingerprint = SlideFingerprint.of(newPath);
    if (record.fingerprint() != null && !record.fingerprint().equals(fingerprint)) {
      throw new IllegalArgumentException(
          newPath
              + " is not the file slide "
              + record.slideId()
              + " was ingested from (its fingerprint differs): ingest it with --replace instead");
    }
    List<StoredTile> tiles = new ArrayList<>();
    index.forEachRawTile(TileFilter.slide(record.slideId()), tiles::add);
    List<TileRecord> records = new ArrayList<>(tiles.size());
    List<float[]> embeddings = new ArrayList<>(tiles.size());
    List<float[]> features = new ArrayList<>(tiles.size());
    for (StoredTile tile : tiles) {
      String source = tile.record().source();
      if (source != null && Path.of(source).startsWith(oldRoot)) {
        records.add(tile.record().withSource(moved(Path.of(source), oldRoot, newRoot).toString()));
        embeddings.add(tile.embedding());
        features.add(tile.feature());
      }
    }
    if (!records.isEmpty()) {
      index.add(records, embeddings, features);
    }
    index.slideRecords().write(record.withFile(newPath.toString(), fingerprint), null);
    return records.size();
  }

  /** {@code path} under {@code oldRoot}, moved to the same place under {@code newRoot}. */
  static Path moved(Path path, Path oldRoot, Path newRoot) {
    return newRoot.resolve(oldRoot.relativize(path)).toAbsolutePath().normalize();
  }
}
