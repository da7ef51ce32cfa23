package org.pathlens.bench;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.pathlens.encoders.preprocess.RgbImages;
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
      tiles.add(RgbImages.jpeg(tile, 0.9f));
    }
    return tiles;
  }
}
