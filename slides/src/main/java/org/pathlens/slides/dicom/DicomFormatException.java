package org.pathlens.slides.dicom;

import java.io.IOException;

/**
 * A DICOM file that does not parse or says something impossible (truncated, an offset past the end,
 * a tile grid its frames do not fill). The message names the problem, not the file: the slide
 * reader puts the file in front, as every {@code SlideException} starts.
 */
public final class DicomFormatException extends IOException {
  public DicomFormatException(String message) {
    super(message);
  }
}
