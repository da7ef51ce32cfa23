package org.pathlens.slides.dicom;

import java.util.Map;

/**
 * The transfer syntaxes of whole-slide images, by UID: which ones the reader decodes (native little
 * endian, JPEG baseline, and JPEG 2000 where OpenJPEG is installed) and the names of the ones it
 * refuses, so that a refusal says what the file holds.
 */
public enum TransferSyntax {
  IMPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  JPEG_BASELINE,
  JPEG_2000;

  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("1.2.840.10008.1.2", "Implicit VR Little Endian"),
          Map.entry("1.2.840.10008.1.2.1", "Explicit VR Little Endian"),
          Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
          Map.entry("1.2.840.10008.1.2.2", "Explicit VR Big Endian"),
          Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline"),
          Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended (12-bit)"),
          Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
          Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1"),
          Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
          Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
          Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
          Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
          Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless"),
          Map.entry("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 RPCL Lossless"),
          Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
          Map.entry("1.2.840.10008.1.2.4.110", "JPEG XL Lossless"),
          Map.entry("1.2.840.10008.1.2.4.112", "JPEG XL"),
          Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"));

  /** {@code JPEG Baseline (1.2.840.10008.1.2.4.50)}; an unknown UID as itself. */
  public static String describe(String uid) {
    String name = NAMES.get(uid);
    return name == null ? "transfer syntax " + uid : name + " (" + uid + ")";
  }

  /**
   * The syntax of {@code uid} when the reader decodes its frames.
   *
   * @throws DicomFormatException naming any other syntax, and what the reader does take
   */
  public static TransferSyntax of(String uid) throws DicomFormatException {
    return switch (uid) {
      case "1.2.840.10008.1.2" -> IMPLICIT_VR_LITTLE_ENDIAN;
      case "1.2.840.10008.1.2.1" -> EXPLICIT_VR_LITTLE_ENDIAN;
      case "1.2.840.10008.1.2.4.50" -> JPEG_BASELINE;
      case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> JPEG_2000;
      default ->
          throw new DicomFormatException(
              describe(uid)
                  + " is not a transfer syntax PathLens reads; DICOM slides in JPEG Baseline, JPEG"
                  + " 2000 or uncompressed (little endian) are");
    };
  }

  /** Whether frames are encapsulated (compressed) rather than native pixels. */
  public boolean encapsulated() {
    return this == JPEG_BASELINE || this == JPEG_2000;
  }

  /** Refuses the syntaxes whose data set this parser cannot even walk. */
  static void requireLittleEndian(String uid) throws DicomFormatException {
    if (uid.equals("1.2.840.10008.1.2.2") || uid.equals("1.2.840.10008.1.2.1.99")) {
      throw new DicomFormatException(
          describe(uid) + " is not read; PathLens reads little-endian, uncompressed data sets");
    }
  }
}
