package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SlideRegions;
import org.pathlens.fixtures.synth.SyntheticSlide;

class TissueDetectorTest {

  @Test
  void maskAgreesWithTheGeneratedGroundTruth() throws IOException {
    SyntheticSlide.Summary generated = GeneratedSlides.standard();
    RegionTruth truth = RegionTruth.read(generated.regions());
    try (SlideReader slide = SlideReaders.open(generated.slide())) {
      TissueMask mask = TissueDetector.defaults().detect(slide);
      // 2048 px at 0.5 µm/px seen at 8 µm/px: 128 x 96, each mask pixel 16 level-0 pixels.
      assertEquals(128, mask.width());
      assertEquals(96, mask.height());
      assertEquals(16.0, mask.scaleX());
      long both = 0, either = 0;
      Map<String, int[]> perClass = new TreeMap<>();
      for (int my = 0; my < mask.height(); my++) {
        for (int mx = 0; mx < mask.width(); mx++) {
          String label = truth.classAt((mx + 0.5) * mask.scaleX(), (my + 0.5) * mask.scaleY());
          boolean expected = !label.equals("BACK"), found = mask.isTissue(mx, my);
          both += expected && found ? 1 : 0;
          either += expected || found ? 1 : 0;
          int[] counts = perClass.computeIfAbsent(label, k -> new int[2]);
          counts[0]++;
          counts[1] += found ? 1 : 0;
        }
      }
      double iou = (double) both / either;
      StringBuilder report =
          new StringBuilder(String.format("tissue mask IoU %.4f; found as tissue per class:", iou));
      perClass.forEach(
          (label, c) -> report.append(String.format(" %s %.2f", label, (double) c[1] / c[0])));
      System.out.println(report);
      assertTrue(iou > 0.93, report.toString());
      assertTrue(fraction(perClass, "BACK") < 0.07, report.toString());
      for (String label : new String[] {"DEB", "LYM", "MUC", "MUS", "NORM", "STR", "TUM"}) {
        assertTrue(fraction(perClass, label) > 0.95, label + ": " + report);
      }
      // Fat is white with thin pink membranes: pale at 8 µm/px; part of it is missed, which the
      // report shows.
      assertTrue(fraction(perClass, "ADI") > 0.2, report.toString());
      // Every region's probe pixel except fat lies in tissue; the corners are glass.
      for (SlideRegions.Region region : truth.regions().regions()) {
        if (!region.label().equals("ADI")) {
          assertTrue(
              mask.isTissueAt(region.probe()[0], region.probe()[1]), region.label() + " probe");
        }
      }
      assertFalse(mask.isTissueAt(20, 20));
      assertFalse(mask.isTissueAt(2030, 1520));
    }
  }

  @Test
  void emptyGlassHasNoTissue() {
    byte[] rgb = new byte[200 * 100 * 3];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < rgb.length; i += 3) {
      int grey = 232 + random.nextInt(8);
      rgb[i] = (byte) (grey + random.nextInt(3));
      rgb[i + 1] = (byte) grey;
      rgb[i + 2] = (byte) (grey - random.nextInt(3));
    }
    TissueMask mask = TissueDetector.defaults().detect(new RgbImage(200, 100, rgb), 10, 10);
    assertEquals(0.0, mask.tissueFraction());
  }

  @Test
  void otsuSplitsTwoModes() {
    int[] histogram = new int[256];
    histogram[10] = 500;
    histogram[12] = 300;
    histogram[150] = 200;
    histogram[160] = 400;
    int t = TissueDetector.otsu(histogram, 1400);
    assertTrue(t >= 12 && t < 150, "threshold " + t);
  }

  @Test
  void closingFillsGapsOpeningDropsSpecksAndEnclosedHolesAreFilled() {
    int w = 12, h = 9;
    boolean[] mask = new boolean[w * h];
    for (int y = 2; y < 7; y++) {
      for (int x = 2; x < 10; x++) {
        mask[y * w + x] = true;
      }
    }
    mask[4 * w + 5] = false; // a one-pixel gap inside
    mask[0 * w + 11] = true; // a speck in the corner
    boolean[] cleaned = Morphology.open(Morphology.close(mask, w, h, 1), w, h, 1);
    assertTrue(cleaned[4 * w + 5]);
    assertFalse(cleaned[11]);
    assertTrue(cleaned[2 * w + 2] && cleaned[6 * w + 9], "the block keeps its corners");
    assertFalse(cleaned[1 * w + 2] || cleaned[7 * w + 9], "and does not grow");

    boolean[] ring = new boolean[w * h];
    Arrays.fill(ring, true);
    ring[4 * w + 4] = ring[4 * w + 5] = false; // an enclosed hole of 2 pixels
    ring[0] = false; // a border notch: not a hole
    boolean[] small = ring.clone();
    Morphology.fillHoles(small, w, h, 1);
    assertFalse(small[4 * w + 4], "larger than allowed");
    Morphology.fillHoles(ring, w, h, 2);
    assertTrue(ring[4 * w + 4] && ring[4 * w + 5]);
    assertFalse(ring[0]);
  }

  @Test
  void fractionCountsMaskPixelsWhoseCentresLieInTheRectangle() {
    boolean[] values = new boolean[4 * 4];
    values[0] = values[1] = values[4] = values[5] = true; // the top-left 2 x 2 block
    TissueMask mask = new TissueMask(4, 4, 10, 10, values);
    assertEquals(0.25, mask.tissueFraction());
    assertEquals(1.0, mask.fraction(0, 0, 20, 20));
    assertEquals(0.25, mask.fraction(0, 0, 40, 40));
    assertEquals(0.5, mask.fraction(0, 0, 40, 20));
    assertEquals(
        1.0, mask.fraction(12, 12, 3, 3), "smaller than a mask pixel: the pixel under its centre");
    assertEquals(0.0, mask.fraction(25, 25, 3, 3));
    assertEquals(0.25, mask.fraction(-20, -20, 40, 40), "outside the slide counts as background");
  }

  private static double fraction(Map<String, int[]> perClass, String label) {
    int[] c = perClass.get(label);
    return (double) c[1] / c[0];
  }
}
