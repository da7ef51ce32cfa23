package org.pathlens.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.pathlens.fixtures.synth.Center;
import org.pathlens.fixtures.synth.Centers;
import org.pathlens.fixtures.synth.TissueClass;
import org.pathlens.fixtures.synth.TissueRenderer;

/**
 * Benchmark inputs: synthetic tiles of every class, JPEG-encoded in memory as a scanner stores
 * them.
 */
final class BenchmarkTiles {

  private BenchmarkTiles() {}

  /**
   * {@code count} distinct tiles of {@code size}×{@code size}, cycling through classes and centers.
   */
  static List<byte[]> jpegs(int count, int size, long seed) {
    List<Center> centers = Centers.generate(5, seed);
    TissueClass[] classes = TissueClass.values();
    List<byte[]> tiles = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      BufferedImage tile =
          TissueRenderer.tile(
              classes[i % classes.length], centers.get(i % centers.size()), seed + i, size, size);
      tiles.add(jpeg(tile, 0.9f));
    }
    return tiles;
  }

  private static byte[] jpeg(BufferedImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
