package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which files a folder contributes: image files, sorted, broken links included so they are named.
 */
class ImageFilesTest {

  @TempDir Path dir;

  @Test
  void imagesAreSortedOthersLeftOutAndABrokenLinkIsKeptToBeReported() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.write(dir.resolve("b.png"), new byte[] {1});
    Files.write(dir.resolve("sub/a.JPG"), new byte[] {1});
    Files.write(dir.resolve("notes.txt"), new byte[] {1});
    Files.createSymbolicLink(dir.resolve("gone.png"), dir.resolve("missing.png"));
    assertEquals(
        List.of(dir.resolve("b.png"), dir.resolve("gone.png"), dir.resolve("sub/a.JPG")),
        ImageFiles.expand(List.of(dir)));
  }
}
