package org.pathlens.prompts.slides;

import java.awt.Color;

/**
 * The viridis colormap (van der Walt and Smith, matplotlib's default): dark purple through teal to
 * yellow, its lightness rising steadily, so equal steps in value look like equal steps in colour,
 * it stays readable in grey and to the colour-blind, and it does not put a false edge where a
 * rainbow turns from green to yellow. Interpolated linearly in sRGB between ten samples of the map
 * at 0, 1/9, …, 1, close enough for a heatmap over tissue (the tests check the lightness rises
 * monotonically).
 */
public final class Viridis {

  private static final int[] STOPS = {
    0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C,
    0xFDE725,
  };

  private Viridis() {}

  /** The colour of {@code value} in 0..1 (clamped; NaN is refused). */
  public static Color of(double value) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("viridis of NaN");
    }
    double t = Math.clamp(value, 0.0, 1.0) * (STOPS.length - 1);
    int lo = Math.min((int) t, STOPS.length - 2);
    double f = t - lo;
    int a = STOPS[lo], b = STOPS[lo + 1];
    return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
  }
}
