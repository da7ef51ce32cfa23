package org.pathlens.slides;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pathlens.slides.dicom.DicomSeries;

/**
 * Opens a slide with the back end that fits it: DICOM (a file, or a folder of one series'
 * instances) in pure Java; generic TIFF (tiled pyramids as the generator writes them, and plain
 * single-page RGB TIFF) in pure Java, so that they need no native library; everything else (SVS,
 * NDPI, MRXS, SCN, …, and TIFFs the JDK cannot decode, such as JPEG 2000 SVS) through OpenSlide.
 * The choice depends only on the file, never on whether OpenSlide is installed.
 */
public final class SlideReaders {
  private SlideReaders() {}

  private static boolean isSeriesFolder(Path folder) throws SlideException {
    try {
      return DicomSeries.isSeriesFolder(folder);
    } catch (IOException e) {
      throw new SlideException(folder, "cannot list the folder: " + e.getMessage(), e);
    }
  }

  /**
   * A reader for {@code file}, or for the DICOM series in the folder {@code file}.
   *
   * @throws SlideException naming the file: missing, unreadable by either back end (with
   *     OpenSlide's reason), or needing OpenSlide where it is not installed
   */
  public static SlideReader open(Path file) throws SlideException {
    if (Files.isDirectory(file)) {
      if (!isSeriesFolder(file)) {
        throw new SlideException(
            file, "a folder without DICOM files (a folder is a slide only as one DICOM series)");
      }
      return DicomSlideReader.open(file);
    }
    if (!Files.isRegularFile(file)) {
      throw new SlideException(file, Files.exists(file) ? "not a regular file" : "no such file");
    }
    if (!Files.isReadable(file)) {
      throw new SlideException(file, "not readable (permissions)");
    }
    if (DicomSeries.isDicom(file)) {
      return DicomSlideReader.open(file); // its verdict is final: OpenSlide 3.4 reads no DICOM
    }
    try {
      return TiffSlideReader.open(file);
    } catch (SlideException notGenericTiff) {
      // Not for the pure-Java reader (its reason is kept as suppressed): OpenSlide's verdict is
      // final.
      try {
        return OpenSlideReader.open(file);
      } catch (SlideException e) {
        e.addSuppressed(notGenericTiff);
        throw e;
      }
    }
  }
}
