package org.pathlens.slides;

/**
 * One pyramid level: its size in pixels and how many level-0 pixels one of its pixels spans. The
 * downsample is OpenSlide's: the mean of the width and height ratios to level 0, so a 2221-pixel
 * level under a 4443-pixel one has downsample 2.0005, not 2.
 */
public record SlideLevel(long width, long height, double downsample) {

  public SlideLevel {
    if (width <= 0 || height <= 0 || !(downsample >= 1.0 - 1e-9)) {
      throw new IllegalArgumentException(
          "a slide level needs a positive size and downsample >= 1, got "
              + width
              + "x"
              + height
              + " at "
              + downsample);
    }
  }

  /** The level of a {@code width x height} page under a {@code width0 x height0} level 0. */
  static SlideLevel of(long width, long height, long width0, long height0) {
    double downsample = ((double) width0 / width + (double) height0 / height) / 2;
    return new SlideLevel(width, height, downsample);
  }
}
