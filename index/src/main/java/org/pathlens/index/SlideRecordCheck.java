package org.pathlens.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A slide record against the tiles an index holds under its id, the same for both backends' {@code
 * index check}: the tiles must be as many as the record says and come from the record's file, or
 * the slide id stands for two files (tiles of an earlier file left beside a later one's) and its
 * page, heatmap and zero-shot mix them. A record of a slide with no tissue tile is whole with no
 * tiles.
 */
public final class SlideRecordCheck {

  private SlideRecordCheck() {}

  /**
   * What is wrong with {@code record}, one line each; empty when its tiles agree with it.
   *
   * @param tilesBySource the live tiles of the slide, counted by their {@code source}
   */
  public static List<String> problems(SlideRecord record, Map<String, Long> tilesBySource) {
    List<String> problems = new ArrayList<>();
    long held = tilesBySource.values().stream().mapToLong(Long::longValue).sum();
    String id = record.slideId();
    if (held == 0) {
      if (record.tiles() > 0) {
        problems.add(
            "slide "
                + id
                + ": a record ("
                + record.tiles()
                + " tiles ingested) but no tile in the index");
      }
      return problems;
    }
    tilesBySource.forEach(
        (source, count) -> {
          // tiles imported from TRIDENT/CLAM feature files name the .h5 file they came from
          if (!source.equals(record.path()) && !source.endsWith(".h5")) {
            problems.add(
                "slide "
                    + id
                    + ": "
                    + count
                    + " tiles come from "
                    + source
                    + ", not from its record's file "
                    + record.path()
                    + ": two files under one slide id; ingest the right file again with --replace");
          }
        });
    if (held != record.tiles()) {
      problems.add(
          "slide "
              + id
              + ": its record says "
              + record.tiles()
              + " tiles, the index holds "
              + held
              + ": tiles of another ingest under this id; ingest its file again with --replace");
    }
    return problems;
  }
}
