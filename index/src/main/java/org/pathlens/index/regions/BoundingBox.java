package org.pathlens.index.regions;

import java.util.Locale;

/**
 * An axis-aligned rectangle in level-0 pixels, edges included: the cheap test before a polygon's
 * own, and what a message shows of a region that misses its slide.
 */
public record BoundingBox(double minX, double minY, double maxX, double maxY) {

  public BoundingBox {
    if (!(minX <= maxX && minY <= maxY)) {
      throw new IllegalArgumentException(
          "a bounding box needs min <= max, got x "
              + minX
              + " to "
              + maxX
              + ", y "
              + minY
              + " to "
              + maxY);
    }
  }

  /** The smallest box holding every point of {@code xy} (x0, y0, x1, y1, ...). */
  static BoundingBox of(double[] xy) {
    double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < xy.length; i += 2) {
      minX = Math.min(minX, xy[i]);
      maxX = Math.max(maxX, xy[i]);
      minY = Math.min(minY, xy[i + 1]);
      maxY = Math.max(maxY, xy[i + 1]);
    }
    return new BoundingBox(minX, minY, maxX, maxY);
  }

  /** The smallest box holding both. */
  BoundingBox union(BoundingBox other) {
    return new BoundingBox(
        Math.min(minX, other.minX),
        Math.min(minY, other.minY),
        Math.max(maxX, other.maxX),
        Math.max(maxY, other.maxY));
  }

  public boolean contains(double x, double y) {
    return x >= minX && x <= maxX && y >= minY && y <= maxY;
  }

  /**
   * Whether this box and the rectangle from (0, 0) to ({@code width}, {@code height}) share more
   * than an edge.
   */
  public boolean overlaps(double width, double height) {
    return minX < width && maxX > 0 && minY < height && maxY > 0;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "x %.0f to %.0f, y %.0f to %.0f", minX, maxX, minY, maxY);
  }
}
