package org.pathlens.index.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a CSV file (tile manifests, label files) into records of fields, by RFC 4180 as Jackson's
 * CSV parser reads it: quoted fields may hold commas, doubled quotes and line breaks; blank lines
 * are skipped; a byte-order mark from a spreadsheet export is dropped.
 */
public final class CsvRecords {

  private static final CsvMapper CSV =
      CsvMapper.builder()
          .enable(CsvParser.Feature.WRAP_AS_ARRAY)
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .build();

  private CsvRecords() {}

  /**
   * The records of {@code file}, header included.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the file and the line when it is not valid CSV (an
   *     unclosed quote)
   */
  public static List<List<String>> read(Path file) throws IOException {
    List<List<String>> records = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        MappingIterator<List<String>> rows = CSV.readerForListOf(String.class).readValues(in)) {
      while (rows.hasNextValue()) {
        List<String> row = rows.nextValue();
        if (!(row.size() == 1 && row.getFirst().isEmpty())) {
          records.add(row);
        }
      }
    } catch (JacksonException e) {
      throw notCsv(file, e);
    } catch (FileSystemException e) {
      throw e; // names the file already
    } catch (IOException e) {
      // A read error of the open file ("Is a directory", an I/O error) comes without its name.
      throw new FileSystemException(file.toString(), null, e.getMessage());
    }
    return records;
  }

  /**
   * The index in {@code header} of the first of {@code names} it has, compared trimmed and without
   * case (a column a table may call by several names, e.g. {@code wsi} or {@code slide}); -1 for
   * none.
   */
  public static int column(List<String> header, List<String> names) {
    List<String> plain = header.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    return names.stream().mapToInt(plain::indexOf).filter(i -> i >= 0).findFirst().orElse(-1);
  }

  private static IllegalArgumentException notCsv(Path file, JacksonException e) {
    return new IllegalArgumentException(
        file
            + ": not valid CSV (line "
            + e.getLocation().getLineNr()
            + "): "
            + e.getOriginalMessage(),
        e);
  }
}
