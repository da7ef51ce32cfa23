package org.pathlens.index.ingest;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Encodes an RGB image as PNG bytes, and writes such bytes to a file whole or not at all (through a
 * temporary file).
 */
public final class PngFiles {
  private PngFiles() {}

  /** Writes PNG bytes ({@link #encode}) to {@code file}, whole or not at all. */
  public static void write(byte[] png, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temporary, png);
    Files.move(
        temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The image as PNG bytes. */
  public static byte[] encode(RgbImage image) throws IOException {
    BufferedImage out =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    byte[] rgb = image.rgb();
    for (int i = 0; i < bgr.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    if (!ImageIO.write(out, "png", png)) {
      throw new IOException("the JDK has no PNG writer");
    }
    return png.toByteArray();
  }
}
