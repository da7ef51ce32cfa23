package org.pathlens.index.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * What an ingest does with a tile the index already holds under the same id and with the same
 * record (metadata, position, source) it would write now. The index refuses another bundle or other
 * stain handling, so such a tile's stored embedding is the one this ingest would compute, unless
 * its image file was replaced in place, which its record cannot show.
 */
public enum ExistingTiles {

  /** Keeps it, neither read nor embedded again: a re-run after a crash does only what is left. */
  KEEP,

  /** Embeds it again (image files replaced under the same names). */
  REEMBED;

  /** Ids looked up per index snapshot read: bounds memory on slides of 100k tiles. */
  private static final int LOOKUP_CHUNK = 4096;

  /**
   * The items to embed, in their order: all of them for {@link #REEMBED}; for {@link #KEEP} those
   * whose tile is not in the index with an equal record.
   *
   * @param record the record the ingest would write for an item
   */
  <T> List<T> toEmbed(List<T> items, Function<T, TileRecord> record, TileIndex index)
      throws IOException {
    if (this == REEMBED || index.size() == 0) {
      return items;
    }
    List<T> left = new ArrayList<>();
    for (int start = 0; start < items.size(); start += LOOKUP_CHUNK) {
      List<T> chunk = items.subList(start, Math.min(items.size(), start + LOOKUP_CHUNK));
      List<TileRecord> records = chunk.stream().map(record).toList();
      Map<String, TileRecord> stored = index.records(records.stream().map(TileRecord::id).toList());
      for (int i = 0; i < chunk.size(); i++) {
        if (!records.get(i).equals(stored.get(records.get(i).id()))) {
          left.add(chunk.get(i));
        }
      }
    }
    return left;
  }
}
