package org.pathlens.index.regions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One GeoJSON polygon in level-0 pixels: an outer ring and any holes. A point is inside by the
 * even-odd rule over all its rings (a ray from it crosses the rings an odd number of times), so it
 * is inside when it lies in the outer ring and in no hole, whatever the rings' orientation (QuPath
 * and RFC 7946 wind them in opposite directions).
 *
 * <p>Points exactly on an edge follow the crossing test's half-open convention (W. R. Franklin's
 * PNPOLY): the same point always gets the same answer, and of two polygons sharing an edge exactly
 * one holds it.
 */
public final class Polygon {

  private final List<double[]> rings;
  private final BoundingBox bounds;
  private final double area;

  /**
   * @param rings the outer ring first, then the holes; each x0, y0, x1, y1, ... with at least three
   *     points (a closing point repeating the first is allowed, as GeoJSON writes it)
   * @throws IllegalArgumentException for a ring of fewer than three distinct points, or a
   *     coordinate that is not finite
   */
  public Polygon(List<double[]> rings) {
    if (rings.isEmpty()) {
      throw new IllegalArgumentException("a polygon needs an outer ring");
    }
    List<double[]> copies = new ArrayList<>(rings.size());
    for (double[] ring : rings) {
      if (ring.length % 2 != 0) {
        throw new IllegalArgumentException("a ring needs x and y for every point");
      }
      for (double v : ring) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("a ring has a coordinate that is not a number: " + v);
        }
      }
      double[] open = withoutClosingPoint(ring);
      if (open.length < 6) {
        throw new IllegalArgumentException(
            "a ring needs at least three points, got " + open.length / 2);
      }
      copies.add(open);
    }
    this.rings = List.copyOf(copies);
    BoundingBox box = BoundingBox.of(copies.getFirst());
    for (double[] ring : copies) { // a hole reaching outside its outer ring still counts
      box = box.union(BoundingBox.of(ring));
    }
    this.bounds = box;
    double holes = 0;
    for (int r = 1; r < copies.size(); r++) {
      holes += Math.abs(signedArea(copies.get(r)));
    }
    this.area = Math.max(0, Math.abs(signedArea(copies.getFirst())) - holes);
  }

  private static double[] withoutClosingPoint(double[] ring) {
    int n = ring.length;
    if (n >= 4 && ring[0] == ring[n - 2] && ring[1] == ring[n - 1]) {
      double[] open = new double[n - 2];
      System.arraycopy(ring, 0, open, 0, n - 2);
      return open;
    }
    return ring.clone();
  }

  /** Shoelace formula: positive for a counter-clockwise ring in x-right, y-up axes. */
  private static double signedArea(double[] ring) {
    double sum = 0;
    int n = ring.length / 2;
    for (int i = 0, j = n - 1; i < n; j = i++) {
      sum += ring[2 * j] * ring[2 * i + 1] - ring[2 * i] * ring[2 * j + 1];
    }
    return sum / 2;
  }

  /** Whether (x, y) lies inside: in the outer ring and in none of the holes (even-odd). */
  public boolean contains(double x, double y) {
    if (!bounds.contains(x, y)) {
      return false;
    }
    boolean inside = false;
    for (double[] ring : rings) {
      int n = ring.length / 2;
      for (int i = 0, j = n - 1; i < n; j = i++) {
        double xi = ring[2 * i], yi = ring[2 * i + 1];
        double xj = ring[2 * j], yj = ring[2 * j + 1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
          inside = !inside;
        }
      }
    }
    return inside;
  }

  /**
   * The polygon along the horizontal line at {@code y}: where its rings cross it, sorted, so that
   * many points of one row (a row of tile centres) are each tested by a binary search instead of a
   * walk over every edge. It answers exactly as {@link #contains} does: the same crossings, from
   * the same arithmetic.
   */
  public Row row(double y) {
    double[] xs = new double[16];
    int n = 0;
    for (double[] ring : rings) {
      int points = ring.length / 2;
      for (int i = 0, j = points - 1; i < points; j = i++) {
        double xi = ring[2 * i], yi = ring[2 * i + 1];
        double xj = ring[2 * j], yj = ring[2 * j + 1];
        if ((yi > y) != (yj > y)) {
          if (n == xs.length) {
            xs = Arrays.copyOf(xs, 2 * n);
          }
          xs[n++] = (xj - xi) * (y - yi) / (yj - yi) + xi;
        }
      }
    }
    double[] sorted = Arrays.copyOf(xs, n);
    Arrays.sort(sorted);
    return new Row(sorted);
  }

  /** A polygon's crossings with one horizontal line ({@link #row}). */
  public static final class Row {
    private final double[] crossings;

    private Row(double[] crossings) {
      this.crossings = crossings;
    }

    /**
     * Whether (x, y) lies inside, y being the row's: an odd number of crossings lie strictly to its
     * right (the crossing test's ray towards +x).
     */
    public boolean contains(double x) {
      int lo = 0, hi = crossings.length; // the first crossing > x
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (crossings[mid] > x) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return (crossings.length - lo) % 2 == 1;
    }
  }

  /** The box around its rings (the outer ring's, unless a hole strays beyond it). */
  public BoundingBox bounds() {
    return bounds;
  }

  /** The area inside, in square level-0 pixels: the outer ring's less its holes'. */
  public double area() {
    return area;
  }

  /** How many holes the polygon has. */
  public int holes() {
    return rings.size() - 1;
  }
}
