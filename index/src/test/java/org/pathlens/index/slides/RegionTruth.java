package org.pathlens.index.slides;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.pathlens.fixtures.synth.SlideRegions;

/**
 * The class of a level-0 pixel of a generated slide, from its regions JSON alone: outside the section
 * polygon background, inside it the last region containing the pixel, else the filler.
 */
public record RegionTruth(SlideRegions regions) {

  public static RegionTruth read(Path json) throws IOException {
    return new RegionTruth(SlideRegions.read(json));
  }

  public String classAt(double x, double y) {
    if (!inside(regions.section(), x, y)) {
      return regions.background();
    }
    List<SlideRegions.Region> list = regions.regions();
    for (int k = list.size() - 1; k >= 0; k--) {
      if (inside(list.get(k).polygon(), x, y)) {
        return list.get(k).label();
      }
    }
    return regions.filler();
  }

  public boolean isTissue(double x, double y) {
    return !classAt(x, y).equals(regions.background());
  }

  /** Even-odd rule. */
  static boolean inside(List<double[]> polygon, double x, double y) {
    boolean in = false;
    for (int i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
      double[] a = polygon.get(i), b = polygon.get(j);
      if ((a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) {
        in = !in;
      }
    }
    return in;
  }
}
