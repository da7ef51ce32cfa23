package org.pathlens.slides;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognises a DICOM Part 10 file by its preamble, so that an error can say what the file is. */
final class DicomFiles {
  private DicomFiles() {}

  /** Whether {@code file} has "DICM" after its 128-byte preamble. */
  static boolean isDicom(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(132);
      return head.length == 132
          && new String(head, 128, 4, StandardCharsets.US_ASCII).equals("DICM");
    } catch (IOException e) {
      return false;
    }
  }
}
