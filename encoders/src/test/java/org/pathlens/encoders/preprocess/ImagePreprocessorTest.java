package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.bundle.ImageConfig;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.bundle.ResizeMode;

class ImagePreprocessorTest {

  private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private static ImagePreprocessor clip(int size) {
    return new ImagePreprocessor(
        new ImageConfig(size, ResizeMode.SHORTEST, Interpolation.BICUBIC, CLIP_MEAN, CLIP_STD));
  }

  @Test
  void tileOfTheInputSizeIsPassedThrough() {
    RgbImage tile = PilResizeExactnessTest.hashPixels(1, 224, 224);
    assertSame(tile, clip(224).resizeAndCrop(tile));
  }

  @Test
  void shortestResizesTheShortSideAndTruncatesTheLongOne() {
    // torchvision 0.14: long = int(224 * long / short); 224 * 301 / 223 = 302.34 -> 302,
    // crop offset round((302 - 224) / 2) = 39. Equal to resize-then-crop.
    RgbImage src = PilResizeExactnessTest.hashPixels(2, 223, 301);
    RgbImage fused = clip(224).resizeAndCrop(src);
    RgbImage full = PilResize.resize(src, 224, 302, Interpolation.BICUBIC);
    assertArrayEquals(CenterCrop.apply(full, 224, 224).rgb(), fused.rgb());
  }

  @Test
  void tensorIsChwNormalisedAndWritesAtAnOffset() {
    ImagePreprocessor p = clip(2);
    RgbImage img = new RgbImage(2, 2, new byte[] {0, 127, (byte) 255, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    float[] batch = new float[3 + 12 + 4];
    p.toTensor(img, batch, 3);
    assertEquals(0f, batch[0]);
    assertEquals((0f / 255f - CLIP_MEAN[0]) / CLIP_STD[0], batch[3]); // R of pixel 0
    assertEquals((1f / 255f - CLIP_MEAN[0]) / CLIP_STD[0], batch[4]); // R of pixel 1
    assertEquals((127f / 255f - CLIP_MEAN[1]) / CLIP_STD[1], batch[3 + 4]); // G plane
    assertEquals((255f / 255f - CLIP_MEAN[2]) / CLIP_STD[2], batch[3 + 8]); // B plane
    assertEquals(0f, batch[15]);
    assertArrayEquals(p.toTensor(img), Arrays.copyOfRange(batch, 3, 15));
    assertThrows(IndexOutOfBoundsException.class, () -> p.toTensor(img, new float[12], 1));
    // the same values into native memory, as the encoder's batch buffer takes them
    FloatBuffer direct =
        ByteBuffer.allocateDirect(4 * batch.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    p.toTensor(img, direct, 3);
    float[] back = new float[batch.length];
    direct.get(0, back);
    assertArrayEquals(batch, back);
    assertThrows(IndexOutOfBoundsException.class, () -> p.toTensor(img, direct.slice(0, 14), 3));
    assertThrows(
        IllegalArgumentException.class, () -> p.toTensor(new RgbImage(3, 2, new byte[18])));
  }

  @Test
  void sameResultsFromManyThreads() throws Exception {
    ImagePreprocessor p = clip(224);
    List<RgbImage> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RgbImage img = PilResizeExactnessTest.hashPixels(i, 256 + 37 * i, 300 - 11 * i);
      inputs.add(img);
      expected.add(p.preprocess(img));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> results = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (RgbImage img : inputs) {
          results.add(pool.submit(() -> p.preprocess(img)));
        }
      }
      for (int i = 0; i < results.size(); i++) {
        assertArrayEquals(expected.get(i % inputs.size()), results.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectsBadConfigs() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ImagePreprocessor(
                new ImageConfig(
                    0, ResizeMode.SQUASH, Interpolation.BILINEAR, CLIP_MEAN, CLIP_STD)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ImagePreprocessor(
                new ImageConfig(
                    224, ResizeMode.SQUASH, Interpolation.BILINEAR, new float[2], CLIP_STD)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ImagePreprocessor(
                new ImageConfig(
                    224, ResizeMode.SQUASH, Interpolation.BILINEAR, CLIP_MEAN, new float[3])));
  }
}
