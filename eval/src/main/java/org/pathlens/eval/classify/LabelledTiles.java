package org.pathlens.eval.classify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pathlens.index.ingest.CsvRecords;

/**
 * Tiles with their true class, read from a CSV with a header: at least a path column (relative to
 * the CSV's folder, or absolute) and a label column. {@code manifest.csv} from {@code pathlens
 * generate tiles} works as it is; its {@code slide_id} column becomes the bootstrap group.
 *
 * @param csv the file read
 * @param tiles the rows, in file order
 */
public record LabelledTiles(Path csv, List<Tile> tiles) {

  /**
   * @param group the unit a bootstrap resamples (a slide), or {@code null} when there is none
   * @param site the center / site column when present (for per-center views), else {@code null}
   */
  public record Tile(Path file, String label, String group, String site) {}

  public static final String DEFAULT_LABEL_COLUMN = "label";
  public static final String DEFAULT_GROUP_COLUMN = "slide_id";

  /**
   * Reads {@code csv}. The group column is optional: when {@code groupColumn} is absent from the
   * header, tiles are resampled one by one.
   */
  public static LabelledTiles read(Path csv, String labelColumn, String groupColumn) {
    List<List<String>> records;
    try {
      records = CsvRecords.read(csv);
    } catch (IOException e) {
      throw new UncheckedIOException(csv + ": cannot be read: " + e.getMessage(), e);
    }
    if (records.isEmpty()) {
      throw new IllegalArgumentException(
          csv + ": empty; expected a header with \"path\" and \"" + labelColumn + "\"");
    }
    List<String> header = records.getFirst();
    int path = header.indexOf("path");
    int label = header.indexOf(labelColumn);
    if (path < 0 || label < 0) {
      throw new IllegalArgumentException(
          csv
              + ": header "
              + header
              + " needs a \"path\" column and the label column \""
              + labelColumn
              + "\" (choose it with --label-column)");
    }
    int group = header.indexOf(groupColumn);
    int site = header.indexOf("site");
    Path base = csv.toAbsolutePath().getParent();
    List<Tile> tiles = new ArrayList<>();
    for (int r = 1; r < records.size(); r++) {
      List<String> row = records.get(r);
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(
            csv
                + ": line "
                + (r + 1)
                + " has "
                + row.size()
                + " fields, the header "
                + header.size());
      }
      if (row.get(label).isBlank()) {
        throw new IllegalArgumentException(
            csv + ": line " + (r + 1) + " has an empty \"" + labelColumn + "\"");
      }
      tiles.add(
          new Tile(
              base.resolve(row.get(path)).normalize(),
              row.get(label),
              group >= 0 ? row.get(group) : null,
              site >= 0 ? row.get(site) : null));
    }
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException(csv + ": no rows after the header");
    }
    return new LabelledTiles(csv, List.copyOf(tiles));
  }
}
