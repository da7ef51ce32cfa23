package org.pathlens.slides;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
   * <p>What is no slide is said so without asking OpenSlide: an empty file, a plain JPEG or PNG
   * image, an HDF5 feature file, a TIFF cut short. A classic TIFF whose first page is stored in
   * strips (and is no NDPI) gets the pure-Java reader's verdict alone: OpenSlide 3.4.1 reads only
   * tiled TIFFs, so asking it would only replace the real reason by "not a format OpenSlide
   * recognises" and let libtiff print to stderr. A tiled TIFF the pure-Java reader cannot decode
   * goes to OpenSlide; if OpenSlide refuses it too, the pure-Java reader's reason comes first.
   *
   * @throws SlideException naming the file: missing, not a slide (and what it is), unreadable by
   *     either back end (with the reason), or needing OpenSlide where it is not installed
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
    byte[] head = FileSignature.head(file);
    Optional<String> notASlide = FileSignature.notASlide(head);
    if (notASlide.isPresent()) {
      throw new SlideException(file, notASlide.get());
    }
    if (DicomSeries.isDicom(file)) {
      return DicomSlideReader.open(file); // its verdict is final: OpenSlide 3.4 reads no DICOM
    }
    if (!TiffStructure.isTiff(head)) {
      return OpenSlideReader.open(file); // MRXS, VMS, ...: OpenSlide's verdict is final
    }
    TiffStructure structure;
    try {
      structure = TiffStructure.read(file);
    } catch (TiffStructure.TruncatedException truncated) {
      throw truncated;
    } catch (SlideException malformed) {
      // Directories this parser cannot follow (a vendor's extension?): OpenSlide may still read it.
      return openSlideOr(file, malformed);
    }
    try {
      return TiffSlideReader.open(file, structure, TiffSlideReader.DEFAULT_CACHE_BYTES);
    } catch (TiffSlideReader.OtherReadersTiffException forOpenSlide) {
      // A vendor TIFF or a BigTIFF: OpenSlide's verdict is final (the pure-Java reason suppressed).
      try {
        return OpenSlideReader.open(file);
      } catch (SlideException e) {
        e.addSuppressed(forOpenSlide);
        throw e;
      }
    } catch (SlideException javaReason) {
      TiffStructure.Directory first = structure.pages().getFirst();
      if (!first.tiled() && !first.ndpi()) {
        throw javaReason;
      }
      return openSlideOr(file, javaReason);
    }
  }

  /**
   * OpenSlide's reader for a TIFF the pure-Java checks refused, or, when OpenSlide refuses it too,
   * the pure-Java reason first.
   */
  private static SlideReader openSlideOr(Path file, SlideException javaReason)
      throws SlideException {
    try {
      return OpenSlideReader.open(file);
    } catch (SlideException openSlideReason) {
      SlideException both =
          new SlideException(
              file,
              javaReason.reason()
                  + "; OpenSlide cannot read it either: "
                  + openSlideReason.reason(),
              javaReason);
      both.addSuppressed(openSlideReason);
      throw both;
    }
  }
}
