package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.LuceneTileIndex;
import org.pathlens.index.OpenSearchTileIndex;
import org.pathlens.index.TileIndex;

/**
 * Where an index keeps its slides' records and thumbnails ({@link SlideRecord}): files beside an
 * embedded index, documents in a companion index on a cluster.
 */
public interface SlideRecords {

  /** The records of {@code index}'s slides. */
  static SlideRecords of(TileIndex index) {
    return switch (index) {
      case LuceneTileIndex lucene -> new DirectorySlideRecords(lucene.dir());
      case OpenSearchTileIndex cluster -> new ClusterSlideRecords(cluster);
      default ->
          throw new IllegalArgumentException("no slide records for index " + index.location());
    };
  }

  /** Slide ids with a record, sorted. */
  List<String> slideIds() throws IOException;

  /** The record of {@code slideId}, if there is one. */
  Optional<SlideRecord> find(String slideId) throws IOException;

  /** The record of {@code slideId}; an IOException naming it if there is none. */
  default SlideRecord read(String slideId) throws IOException {
    return find(slideId).orElseThrow(() -> new IOException("no record of slide '" + slideId + "'"));
  }

  /** The slide's thumbnail as a local PNG file, if it has one. */
  Optional<Path> thumbnail(String slideId) throws IOException;

  /**
   * Writes {@code record}, replacing any earlier one whole, with {@code thumbnail} (null: keep the
   * one there is).
   */
  void write(SlideRecord record, RgbImage thumbnail) throws IOException;
}
