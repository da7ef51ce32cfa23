package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CenterCropTest {

  @Test
  void offsetsRoundHalfToEvenLikePython() {
    assertEquals(0, CenterCrop.offset(224, 224));
    assertEquals(0, CenterCrop.offset(225, 224)); // 0.5 -> 0
    assertEquals(1, CenterCrop.offset(226, 224));
    assertEquals(2, CenterCrop.offset(227, 224)); // 1.5 -> 2
    assertEquals(2, CenterCrop.offset(229, 224)); // 2.5 -> 2
    assertEquals(4, CenterCrop.offset(231, 224)); // 3.5 -> 4
    assertEquals(48, CenterCrop.offset(320, 224));
    assertThrows(IllegalArgumentException.class, () -> CenterCrop.offset(223, 224));
  }

  @Test
  void cropTakesTheCenterWindow() {
    RgbImage src = PilResizeExactnessTest.hashPixels(1, 9, 6);
    RgbImage crop = CenterCrop.apply(src, 4, 3); // offsets round(2.5)=2, round(1.5)=2
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals(src.sample(x + 2, y + 2, 1), crop.sample(x, y, 1));
      }
    }
  }

  @Test
  void smallerImageIsPaddedWithBlackLikeTorchvision() {
    RgbImage src = new RgbImage(1, 1, new byte[] {10, 20, 30});
    RgbImage out = CenterCrop.apply(src, 4, 3); // pad left (4-1)//2 = 1, top (3-1)//2 = 1
    assertEquals(10, out.sample(1, 1, 0));
    assertEquals(30, out.sample(1, 1, 2));
    assertEquals(0, out.sample(0, 0, 0));
    assertEquals(0, out.sample(2, 1, 0));
  }
}
