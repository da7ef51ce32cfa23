package org.pathlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/** The benchmark's upload is the issue's: a 16-bit RGBA PNG that is small on the wire. */
class UploadPressureBenchmarkTest {

  @Test
  void theGeneratedPngIsA16BitRgbaImageOfTheGivenSideCompressedAThousandToOne() throws Exception {
    byte[] png = UploadPressureBenchmark.bigRgba16Png(9400);
    // 9,400² pixels × 8 bytes = 707 MB of samples; the file was 690 KB.
    assertTrue(png.length > 600_000 && png.length < 900_000, png.length + " bytes");
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertEquals(9400, reader.getWidth(0));
      assertEquals(9400, reader.getHeight(0));
      assertEquals(4, reader.getRawImageType(0).getSampleModel().getNumBands());
      assertEquals(16, reader.getRawImageType(0).getSampleModel().getSampleSize(0));
      reader.dispose();
    }
    // Decodes (small here): rows repeat down a band, gradients along a row.
    Raster small =
        ImageIO.read(new ByteArrayInputStream(UploadPressureBenchmark.bigRgba16Png(600)))
            .getRaster();
    assertEquals(small.getSample(100, 0, 0), small.getSample(100, 511, 0));
    assertTrue(small.getSample(100, 0, 0) != small.getSample(101, 0, 0));
    assertEquals(65535, small.getSample(7, 9, 3));
  }
}
