package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --mpp-csv}: level-0 µm/px per slide, as TRIDENT's {@code --custom_list_of_wsis} table
 * gives it: a header naming the slide column ({@code wsi}, {@code slide} or {@code slide_id}: a
 * file name, with or without extension) and an {@code mpp} column; other columns are ignored.
 */
public final class MppTable {

  private static final List<String> SLIDE_COLUMNS = List.of("wsi", "slide", "slide_id");

  private MppTable() {}

  /**
   * The table of {@code csv}, slide name to µm/px.
   *
   * @throws IllegalArgumentException naming the file, and the line where a row is wrong
   */
  public static Map<String, Double> read(Path csv) throws IOException {
    List<List<String>> rows = CsvRecords.read(csv);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(csv + ": --mpp-csv is empty; it needs a header wsi,mpp");
    }
    int slide = CsvRecords.column(rows.getFirst(), SLIDE_COLUMNS);
    int mpp = CsvRecords.column(rows.getFirst(), List.of("mpp"));
    if (slide < 0 || mpp < 0) {
      throw new IllegalArgumentException(
          csv
              + ": --mpp-csv needs a slide column (wsi, slide or slide_id) and an mpp column; its"
              + " header is "
              + rows.getFirst());
    }
    Map<String, Double> table = new HashMap<>();
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      String name = row.size() > slide ? row.get(slide).trim() : "";
      String value = row.size() > mpp ? row.get(mpp).trim() : "";
      double parsed;
      try {
        parsed = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        parsed = Double.NaN;
      }
      if (name.isEmpty() || !(parsed > 0) || Double.isInfinite(parsed)) {
        throw new IllegalArgumentException(
            csv + ": row " + (r + 1) + " needs a slide name and a positive mpp, got " + row);
      }
      if (table.put(name, parsed) != null) {
        throw new IllegalArgumentException(
            csv + ": slide " + name + " has two rows; keep one µm/px per slide");
      }
    }
    return table;
  }
}
