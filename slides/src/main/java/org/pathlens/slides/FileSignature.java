package org.pathlens.slides;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The first bytes of a file, and what they say it is when it is not a slide. */
final class FileSignature {
  private FileSignature() {}

  private static final int LENGTH = 16;

  /** Up to the first 16 bytes of {@code file}. */
  static byte[] head(Path file) throws SlideException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(LENGTH);
    } catch (IOException e) {
      throw new SlideException(file, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Why {@code head} is no slide and what to do with it instead, for the files people hand a slide
   * reader by mistake: an empty file, a plain image, a feature file. Empty for anything else.
   */
  static Optional<String> notASlide(byte[] head) {
    if (head.length == 0) {
      return Optional.of("an empty file (0 bytes): not a slide; copy it again");
    }
    if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(
          "a plain image (JPEG), not a whole-slide image: use `ingest --tiles DIR` for a folder of"
              + " tile images");
    }
    if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(
          "a plain image (PNG), not a whole-slide image: use `ingest --tiles DIR` for a folder of"
              + " tile images");
    }
    if (startsWith(head, 0x89, 'H', 'D', 'F', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(
          "an HDF5 file (a feature file?), not a whole-slide image: use `ingest --features` for"
              + " TRIDENT/CLAM patch features");
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int k = 0; k < magic.length; k++) {
      if ((head[k] & 0xFF) != magic[k]) {
        return false;
      }
    }
    return true;
  }
}
