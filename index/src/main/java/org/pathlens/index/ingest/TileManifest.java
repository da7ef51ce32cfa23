package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileRecord;

/**
 * A tile folder's metadata: a CSV file (RFC 4180: a header row, fields quoted where they hold
 * commas, quotes or line breaks) with a {@code path} column relative to the tile folder and any of
 * {@code tile_id, slide_id, patient_id, site, stain, scanner, label, caption, x, y, mpp}. Other
 * columns are kept as extra metadata under their own names (filterable as {@code name:value}).
 * Empty fields are unknown values. {@code manifest.csv} from {@code pathlens generate tiles} fits
 * as it is.
 *
 * <p>A tile's id is its {@code tile_id} where the manifest gives one, else its path (with {@code /}
 * separators), so that re-ingesting the folder replaces the tiles instead of duplicating them.
 */
public final class TileManifest {

  static final String PATH = "path";
  static final String TILE_ID = "tile_id";

  /** Index fields a column may not fill: they are set by the ingest. */
  private static final Set<String> FORBIDDEN =
      Set.of(TileFields.ID, TileFields.SOURCE, TileFields.EMBEDDING);

  /** Columns read into the record's own fields; any other column is extra metadata. */
  private static final Set<String> BUILT_IN = builtIn();

  private static Set<String> builtIn() {
    Set<String> columns = new HashSet<>(List.of(PATH, TILE_ID));
    TileFields.SCHEMA.stream()
        .map(TileFields.Field::name)
        .filter(name -> !FORBIDDEN.contains(name))
        .forEach(columns::add);
    return Set.copyOf(columns);
  }

  /** One row: the tile's path relative to the folder and its record (source: the resolved file). */
  public record Entry(String path, TileRecord tile) {}

  private TileManifest() {}

  /**
   * Reads {@code manifest}; paths resolve against {@code tileDir}.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the file, and the row and column of a bad value
   */
  public static List<Entry> read(Path manifest, Path tileDir) throws IOException {
    List<List<String>> rows = CsvRecords.read(manifest);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(
          manifest + ": empty, expected a header row with a 'path' column");
    }
    List<String> header = rows.getFirst();
    if (!header.contains(PATH)) {
      throw new IllegalArgumentException(
          manifest
              + ": the header has no 'path' column (columns: "
              + String.join(",", header)
              + ")");
    }
    for (String column : header) {
      if (FORBIDDEN.contains(column)) {
        throw new IllegalArgumentException(
            manifest
                + ": column '"
                + column
                + "' is set by the ingest; rename it"
                + ("id".equals(column) ? " to tile_id" : ""));
      }
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int r = 1; r < rows.size(); r++) {
      List<String> fields = rows.get(r);
      int line = r + 1;
      if (fields.size() != header.size()) {
        throw new IllegalArgumentException(
            manifest
                + ": row "
                + line
                + " has "
                + fields.size()
                + " fields, the header "
                + header.size());
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        if (!fields.get(c).isEmpty()) {
          values.put(header.get(c), fields.get(c));
        }
      }
      String path = values.get(PATH);
      if (path == null) {
        throw new IllegalArgumentException(manifest + ": row " + line + " has an empty path");
      }
      path = path.replace('\\', '/');
      Integer earlier = seen.putIfAbsent(path, line);
      if (earlier != null) {
        throw new IllegalArgumentException(
            manifest + ": row " + line + " repeats path " + path + " of row " + earlier);
      }
      entries.add(new Entry(path, record(manifest, line, path, values, tileDir)));
    }
    return entries;
  }

  private static TileRecord record(
      Path manifest, int line, String path, Map<String, String> values, Path tileDir) {
    Map<String, String> extra = new LinkedHashMap<>();
    values.forEach(
        (column, value) -> {
          if (!BUILT_IN.contains(column)) {
            extra.put(column, value);
          }
        });
    String source = tileDir.resolve(path).toAbsolutePath().normalize().toString();
    try {
      return TileFields.record(
          field ->
              switch (field) {
                case TileFields.ID -> values.getOrDefault(TILE_ID, path);
                case TileFields.SOURCE -> source;
                default -> values.get(field);
              },
          extra);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(manifest + ": row " + line + ": " + e.getMessage(), e);
    }
  }
}
