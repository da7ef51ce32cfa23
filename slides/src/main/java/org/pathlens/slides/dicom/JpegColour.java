package org.pathlens.slides.dicom;

/**
 * Makes a JPEG frame say how its colour is coded, as DICOM says it for frames whose stream does
 * not. A decoder takes three-component JPEG as YCbCr unless a JFIF or Adobe marker says otherwise;
 * DICOM's PhotometricInterpretation RGB on a frame with neither marker means the components are RGB
 * untransformed (pydicom decodes such frames so), so an Adobe marker with transform 0 is put in
 * front for the decoder. Frames with either marker, or YBR_FULL_422 ones, are left as they are.
 */
final class JpegColour {
  private JpegColour() {}

  /** APP14 "Adobe", version 100, no flags, transform 0 (no colour transform: RGB). */
  private static final byte[] ADOBE_RGB = {
    (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
  };

  static byte[] forPhotometric(byte[] jpeg, String photometric) {
    if (!photometric.equals("RGB") || hasColourMarker(jpeg)) {
      return jpeg;
    }
    byte[] out = new byte[jpeg.length + ADOBE_RGB.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(ADOBE_RGB, 0, out, 2, ADOBE_RGB.length);
    System.arraycopy(jpeg, 2, out, 2 + ADOBE_RGB.length, jpeg.length - 2);
    return out;
  }

  /** Whether the markers before the first frame header include JFIF (APP0) or Adobe (APP14). */
  static boolean hasColourMarker(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return true; // not a JPEG stream: leave it for the decoder to refuse
    }
    int at = 2;
    while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
      int marker = jpeg[at + 1] & 0xFF;
      int length = ((jpeg[at + 2] & 0xFF) << 8) | (jpeg[at + 3] & 0xFF);
      if (marker == 0xE0 && startsWith(jpeg, at + 4, "JFIF")
          || marker == 0xEE && startsWith(jpeg, at + 4, "Adobe")) {
        return true;
      }
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        return false; // a frame header (SOFn): the markers that matter come before it
      }
      at += 2 + length;
    }
    return false;
  }

  private static boolean startsWith(byte[] bytes, int at, String text) {
    if (at + text.length() > bytes.length) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (bytes[at + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
