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

class SlideFilesTest {
  @TempDir Path dir;

  @Test
  void foldersGiveTheirSlideFilesSortedAndFilesStayAsNamed() throws IOException {
    Path b = Files.createFile(dir.resolve("b.svs")), a = Files.createFile(dir.resolve("a.TIFF"));
    Files.createFile(dir.resolve("notes.txt"));
    Path odd = Files.createFile(dir.resolve("odd.xyz"));
    assertEquals(List.of(a, b, odd), SlideFiles.expand(List.of(dir, odd)));
    assertEquals("CMU-1", SlideFiles.slideId(Path.of("/x/CMU-1.svs")));
  }

  @Test
  void twoSlidesWithOneIdAreRefused() throws IOException {
    Path one = Files.createFile(dir.resolve("s.svs"));
    Path other = Files.createFile(Files.createDirectory(dir.resolve("sub")).resolve("s.tiff"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SlideFiles.expand(List.of(one, other)));
    assertTrue(e.getMessage().contains("would both get slide id 's'"), e.getMessage());
  }
}
