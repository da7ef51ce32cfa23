package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.testkit.DicomWsiFiles;
import org.pathlens.testkit.TestData;

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

  @Test
  void aFolderOfOneDicomSeriesIsOneSlideNamedAfterTheFolder() throws IOException {
    var python = TestData.pythonWithPydicom();
    assumeTrue(python.isPresent(), "needs a Python with pydicom (apt-get install python3-pydicom)");
    Path series = DicomWsiFiles.series(python.get(), dir.resolve("series"));
    Path pyramid = series.resolve("pyramid"); // four instances of one series, a LABEL among them
    assertEquals(List.of(pyramid), SlideFiles.expand(List.of(pyramid)));
    assertEquals("pyramid", SlideFiles.slideId(pyramid));

    // A folder of slides: single-file DICOM slides stay files, a series subfolder is one slide.
    Path slides = Files.createDirectory(dir.resolve("slides"));
    Path sparse = Files.copy(series.resolve("sparse.dcm"), slides.resolve("sparse.dcm"));
    Path other = Files.copy(series.resolve("extended.dcm"), slides.resolve("other.dcm"));
    Path svs = Files.createFile(slides.resolve("c.svs"));
    Path sub = Files.createDirectory(slides.resolve("case-1"));
    for (String name : List.of("level0.dcm", "level1.dcm")) {
      Files.copy(pyramid.resolve(name), sub.resolve(name));
    }
    assertEquals(List.of(svs, other, sparse, sub), SlideFiles.expand(List.of(slides)));

    // Two instances of one series loose among other slides would become two slides: refused.
    Files.copy(pyramid.resolve("level2.dcm"), slides.resolve("level2.dcm"));
    Files.copy(pyramid.resolve("label.dcm"), slides.resolve("label.dcm"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SlideFiles.expand(List.of(slides)));
    assertEquals(
        slides
            + " holds 2 instances of one DICOM series beside other slides: move them into a folder"
            + " of their own (a folder of one series' instances is one slide)",
        e.getMessage());
  }
}
