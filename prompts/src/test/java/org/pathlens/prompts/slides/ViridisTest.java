package org.pathlens.prompts.slides;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class ViridisTest {

  @Test
  void endsAndMiddleAreViridis() {
    assertEquals(new Color(0x440154), Viridis.of(0));
    assertEquals(new Color(0xFDE725), Viridis.of(1));
    // halfway between the samples at 4/9 (#26828E) and 5/9 (#1F9E89)
    assertEquals(
        new Color((0x26 + 0x1F + 1) / 2, (0x82 + 0x9E) / 2, (0x8E + 0x89 + 1) / 2),
        Viridis.of(0.5));
    assertEquals(Viridis.of(1), Viridis.of(1.7)); // clamped
    assertThrows(IllegalArgumentException.class, () -> Viridis.of(Double.NaN));
  }

  /**
   * What makes it perceptual: CIE L* rises with the value, so brighter always means more. Between
   * 8-bit neighbours it may dip by rounding (a channel stepping down by 1 before another steps up),
   * far below the ~1 L* a viewer can see; over every ninth of the range it rises by at least 5.
   */
  @Test
  void lightnessRisesMonotonically() {
    double previous = -1;
    for (int i = 0; i <= 255; i++) {
      double lightness = lightness(Viridis.of(i / 255.0));
      assertTrue(
          lightness > previous - 0.1, "L* falls at " + i + ": " + lightness + " after " + previous);
      previous = lightness;
    }
    for (int k = 0; k < 9; k++) {
      double rise = lightness(Viridis.of((k + 1) / 9.0)) - lightness(Viridis.of(k / 9.0));
      assertTrue(rise > 5, "L* rises only " + rise + " from " + k + "/9 to " + (k + 1) + "/9");
    }
  }

  private static double lightness(Color c) {
    double y =
        0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    return y > 216.0 / 24389 ? 116 * Math.cbrt(y) - 16 : 24389.0 / 27 * y;
  }

  private static double linear(int channel) {
    double v = channel / 255.0;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }
}
