package org.pathlens.slides;

/**
 * Binary closing and opening with a square structuring element, each as separable row and column
 * passes. Outside the image nothing constrains: a window is clipped to the image.
 */
final class Morphology {
  private Morphology() {}

  /** Dilation then erosion: fills holes and gaps narrower than {@code 2r + 1}. */
  static boolean[] close(boolean[] mask, int width, int height, int r) {
    return erode(dilate(mask, width, height, r), width, height, r);
  }

  /** Erosion then dilation: removes specks narrower than {@code 2r + 1}. */
  static boolean[] open(boolean[] mask, int width, int height, int r) {
    return dilate(erode(mask, width, height, r), width, height, r);
  }

  static boolean[] dilate(boolean[] mask, int width, int height, int r) {
    return pass(pass(mask, width, height, r, true, true), width, height, r, false, true);
  }

  static boolean[] erode(boolean[] mask, int width, int height, int r) {
    return pass(pass(mask, width, height, r, true, false), width, height, r, false, false);
  }

  /**
   * One direction: a pixel becomes {@code any} (true for dilation) when some pixel within r along
   * the axis has that value, counted with a running window.
   */
  private static boolean[] pass(
      boolean[] in, int width, int height, int r, boolean horizontal, boolean any) {
    boolean[] out = new boolean[in.length];
    int lines = horizontal ? height : width, length = horizontal ? width : height;
    int step = horizontal ? 1 : width;
    for (int line = 0; line < lines; line++) {
      int base = horizontal ? line * width : line;
      int hits = 0;
      for (int k = 0; k < Math.min(r, length); k++) {
        hits += in[base + k * step] == any ? 1 : 0;
      }
      for (int k = 0; k < length; k++) {
        int enter = k + r, leave = k - r - 1;
        if (enter < length) {
          hits += in[base + enter * step] == any ? 1 : 0;
        }
        if (leave >= 0) {
          hits -= in[base + leave * step] == any ? 1 : 0;
        }
        out[base + k * step] = hits > 0 == any;
      }
    }
    return out;
  }

  /**
   * Sets to true, in place, every 4-connected region of false pixels that does not touch the image
   * border and has at most {@code maxArea} pixels: a hole enclosed by tissue.
   */
  static void fillHoles(boolean[] mask, int width, int height, long maxArea) {
    if (maxArea <= 0) {
      return;
    }
    int[] label = new int[mask.length];
    int[] queue = new int[mask.length];
    int next = 0;
    for (int start = 0; start < mask.length; start++) {
      if (mask[start] || label[start] != 0) {
        continue;
      }
      next++;
      int head = 0, tail = 0;
      boolean border = false;
      queue[tail++] = start;
      label[start] = next;
      while (head < tail) {
        int p = queue[head++], x = p % width, y = p / width;
        border |= x == 0 || y == 0 || x == width - 1 || y == height - 1;
        if (x > 0) tail = visit(mask, label, queue, tail, p - 1, next);
        if (x < width - 1) tail = visit(mask, label, queue, tail, p + 1, next);
        if (y > 0) tail = visit(mask, label, queue, tail, p - width, next);
        if (y < height - 1) tail = visit(mask, label, queue, tail, p + width, next);
      }
      if (!border && tail <= maxArea) {
        for (int k = 0; k < tail; k++) {
          mask[queue[k]] = true;
        }
      }
    }
  }

  private static int visit(boolean[] mask, int[] label, int[] queue, int tail, int p, int id) {
    if (!mask[p] && label[p] == 0) {
      label[p] = id;
      queue[tail++] = p;
    }
    return tail;
  }
}
