package org.pathlens.encoders.preprocess.stain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sRGB byte of a linear value: the nearest in the companded domain, and Lab round trips. */
class CieLabTest {

  @Test
  void linearToByteRoundsInTheCompandedDomain() {
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      double linear = random.nextDouble(-0.01, 1.01);
      double companded =
          linear > 0.0031308 ? 1.055 * Math.pow(linear, 1 / 2.4) - 0.055 : 12.92 * linear;
      long expected = Math.max(0, Math.min(255, (long) Math.floor(companded * 255 + 0.5)));
      assertEquals(expected, CieLab.linearToByte(linear), "linear " + linear);
    }
    for (int v = 0; v < 256; v++) {
      assertEquals(v, CieLab.linearToByte(CieLab.LINEAR[v]), "byte " + v);
    }
  }

  @Test
  void everyColourSurvivesTheRoundTripThroughLab() {
    double[] lab = new double[3];
    byte[] rgb = new byte[3];
    for (int r = 0; r < 256; r += 5) {
      for (int g = 0; g < 256; g += 3) {
        for (int b = 0; b < 256; b += 7) {
          CieLab.toLab(r, g, b, lab, 0);
          CieLab.toRgb(lab[0], lab[1], lab[2], rgb, 0);
          assertEquals(r, rgb[0] & 0xFF);
          assertEquals(g, rgb[1] & 0xFF);
          assertEquals(b, rgb[2] & 0xFF);
        }
      }
    }
  }
}
