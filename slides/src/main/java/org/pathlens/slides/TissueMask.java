package org.pathlens.slides;

/**
 * Where a slide has tissue, as a low-resolution boolean grid: mask pixel (mx, my) covers level-0
 * pixels [mx * scaleX, (mx + 1) * scaleX) x [my * scaleY, (my + 1) * scaleY). Immutable; the
 * summed-area table makes {@link #fraction} constant-time, which matters for 100k tile candidates.
 */
public final class TissueMask {
  private final int width;
  private final int height;
  private final double scaleX;
  private final double scaleY;
  private final boolean[] tissue;
  private final int[] integral;

  /**
   * @param tissue row-major, {@code width * height} values; the mask keeps it, the caller must not
   *     modify it afterwards
   */
  public TissueMask(int width, int height, double scaleX, double scaleY, boolean[] tissue) {
    if (width <= 0
        || height <= 0
        || tissue.length != width * height
        || !(scaleX > 0)
        || !(scaleY > 0)) {
      throw new IllegalArgumentException(
          "a "
              + width
              + "x"
              + height
              + " mask needs "
              + width * height
              + " values and positive scales, got "
              + tissue.length
              + " at "
              + scaleX
              + " x "
              + scaleY);
    }
    this.width = width;
    this.height = height;
    this.scaleX = scaleX;
    this.scaleY = scaleY;
    this.tissue = tissue;
    this.integral = new int[(width + 1) * (height + 1)];
    for (int y = 0; y < height; y++) {
      int row = 0;
      for (int x = 0; x < width; x++) {
        row += tissue[y * width + x] ? 1 : 0;
        integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
      }
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Level-0 pixels per mask pixel along x. */
  public double scaleX() {
    return scaleX;
  }

  /** Level-0 pixels per mask pixel along y. */
  public double scaleY() {
    return scaleY;
  }

  public boolean isTissue(int mx, int my) {
    return tissue[my * width + mx];
  }

  /** Whether the level-0 pixel (x, y) lies in tissue; false outside the slide. */
  public boolean isTissueAt(double x, double y) {
    int mx = (int) Math.floor(x / scaleX), my = (int) Math.floor(y / scaleY);
    return mx >= 0 && my >= 0 && mx < width && my < height && isTissue(mx, my);
  }

  /** Share of the whole mask that is tissue. */
  public double tissueFraction() {
    return (double) count(0, 0, width, height) / ((long) width * height);
  }

  /**
   * Share of tissue in the level-0 rectangle: the mask pixels whose centres fall inside it, or, for
   * a rectangle smaller than a mask pixel, the one pixel under its centre. Parts outside the slide
   * count as background.
   */
  public double fraction(double x0, double y0, double w0, double h0) {
    int left = (int) Math.ceil(x0 / scaleX - 0.5),
        right = (int) Math.ceil((x0 + w0) / scaleX - 0.5);
    int top = (int) Math.ceil(y0 / scaleY - 0.5),
        bottom = (int) Math.ceil((y0 + h0) / scaleY - 0.5);
    int area = (right - left) * (bottom - top);
    if (area <= 0) {
      return isTissueAt(x0 + w0 / 2, y0 + h0 / 2) ? 1 : 0;
    }
    int count =
        count(
            Math.max(left, 0), Math.max(top, 0), Math.min(right, width), Math.min(bottom, height));
    return (double) count / area;
  }

  private int count(int left, int top, int right, int bottom) {
    if (left >= right || top >= bottom) {
      return 0;
    }
    int w = width + 1;
    return integral[bottom * w + right]
        - integral[top * w + right]
        - integral[bottom * w + left]
        + integral[top * w + left];
  }
}
