package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV as manifests and label files arrive: from spreadsheets, scripts and the generator. */
class CsvRecordsTest {

  @TempDir Path tmp;

  private List<List<String>> read(String text) throws IOException {
    Path file = tmp.resolve("f.csv");
    Files.writeString(file, text);
    return CsvRecords.read(file);
  }

  @Test
  void quotedFieldsCrlfAndMultiLineFieldsParse() throws IOException {
    assertEquals(
        List.of(List.of("a", "b,c", "say \"hi\""), List.of("1", "two\nlines", "")),
        read("a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",\r\n"));
  }

  @Test
  void blankLinesAndAByteOrderMarkAreSkipped() throws IOException {
    assertEquals(
        List.of(List.of("path", "label"), List.of("a.png", "TUM")),
        read("\uFEFFpath,label\n\n\r\na.png,TUM\n"));
  }

  @Test
  void aLastLineWithoutNewlineAndNonAsciiTextRead() throws IOException {
    assertEquals(
        List.of(List.of("path", "caption"), List.of("ä.png", "µm, 腺癌")),
        read("path,caption\nä.png,\"µm, 腺癌\""));
  }

  @Test
  void anUnclosedQuoteIsAnErrorNamingTheFile() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> read("a,\"b\nc,d\n"));
    assertTrue(
        e.getMessage().startsWith(tmp.resolve("f.csv") + ": not valid CSV (line "), e.getMessage());
  }
}
