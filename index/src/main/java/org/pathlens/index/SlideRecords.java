package org.pathlens.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Where an index keeps its slides' records and thumbnails ({@link SlideRecord}): files beside an
 * embedded index, documents in a companion index on a cluster.
 */
public interface SlideRecords {

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
