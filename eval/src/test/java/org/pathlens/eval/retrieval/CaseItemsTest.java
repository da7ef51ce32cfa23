package org.pathlens.eval.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slides and patients made from tiles small enough to check by hand, and what is refused. */
class CaseItemsTest {

  static float[] unit(double... v) {
    double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  /**
   * Patient P1: slide S1 with tiles along x (two) and y (one), slide S2 with one along y. Patient
   * P2: slide S3 with one tile along x.
   */
  static CaseItems.Tiles tiles(List<String> labels) {
    return new CaseItems.Tiles(
        List.of("t1", "t2", "t3", "t4", "t5"),
        List.of(unit(1, 0), unit(1, 0), unit(0, 1), unit(0, 1), unit(1, 0)),
        labels,
        List.of("S1", "S1", "S1", "S2", "S3"),
        List.of("P1", "P1", "P1", "P1", "P2"));
  }

  @Test
  void slidesAreTheRenormalisedMeanOfTheirTilesWithTheMajorityLabel() {
    CaseItems slides =
        CaseItems.of(tiles(List.of("A", "A", "B", "A", "A")), RetrievalLevel.SLIDE, null);
    assertEquals(List.of("S1", "S2", "S3"), slides.ids());
    // S1: mean (2/3, 1/3) renormalised.
    assertArrayEquals(unit(2, 1), slides.embeddings().getFirst(), 1e-6f);
    assertEquals(List.of("A", "A", "A"), slides.labels());
    assertEquals(1, slides.mixedLabels(), "S1 took its majority label");
    assertEquals(List.of("P1", "P1", "P2"), slides.patients());
    assertTrue(slides.leftOut().contains("patient"), slides.leftOut());
  }

  @Test
  void earlyFusionPoolsTilesAndLateFusionPoolsSlides() {
    CaseItems.Tiles tiles = tiles(List.of("A", "A", "A", "A", "A"));
    CaseItems early = CaseItems.of(tiles, RetrievalLevel.PATIENT, PatientFusion.EARLY);
    CaseItems late = CaseItems.of(tiles, RetrievalLevel.PATIENT, PatientFusion.LATE);
    assertEquals(List.of("P1", "P2"), early.ids());
    // P1 early: two tiles along x, two along y -> (1, 1); late: S1 (2, 1)/|.| and S2 (0, 1).
    assertArrayEquals(unit(1, 1), early.embeddings().getFirst(), 1e-6f);
    float[] s1 = unit(2, 1);
    assertArrayEquals(unit(s1[0], s1[1] + 1), late.embeddings().getFirst(), 1e-6f);
    assertArrayEquals(unit(1, 0), late.embeddings().get(1), 1e-6f);
  }

  @Test
  void withoutPatientIdsTheQuerysSlideIsLeftOutAndPatientsAreRefused() {
    CaseItems.Tiles tiles =
        new CaseItems.Tiles(
            List.of("t1", "t2", "t3"),
            List.of(unit(1, 0), unit(1, 0.1), unit(0, 1)),
            List.of("A", "A", "B"),
            List.of("S1", "S1", "S2"),
            Arrays.asList("P1", null, "P2"));
    CaseItems tileItems = CaseItems.of(tiles, RetrievalLevel.TILE, null);
    assertNull(tileItems.patients());
    assertTrue(tileItems.leftOut().contains("slide"), tileItems.leftOut());
    // t1's nearest is t2, but they share slide S1: t3 is its only candidate.
    assertArrayEquals(new int[] {2}, CaseRetrieval.rankings(tileItems, 1)[0]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaseItems.of(tiles, RetrievalLevel.PATIENT, PatientFusion.LATE));
    assertTrue(
        e.getMessage().contains("patient_id") && e.getMessage().contains("t2"), e.getMessage());
  }

  @Test
  void aTieBetweenLabelsIsRefusedNamingTheSlide() {
    List<String> labels = new ArrayList<>(List.of("A", "B", "C", "A", "A"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaseItems.of(tiles(labels), RetrievalLevel.SLIDE, null));
    assertTrue(e.getMessage().startsWith("slide S1 has no majority label"), e.getMessage());
  }

  @Test
  void tooFewCandidatesForKAreRefused() {
    CaseItems slides =
        CaseItems.of(tiles(List.of("A", "A", "A", "A", "A")), RetrievalLevel.SLIDE, null);
    // S3's patient P2 has only S3: its candidates are S1 and S2; S1's only S3.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CaseRetrieval.rankings(slides, 2));
    assertTrue(e.getMessage().contains("slide S1 has 1 once"), e.getMessage());
  }

  @Test
  void poolingRefusesVectorsThatCancelOut() {
    assertThrows(
        IllegalArgumentException.class,
        () -> UnitMeanPooling.pool(List.of(unit(1, 0), unit(-1, 0))));
    assertThrows(IllegalArgumentException.class, () -> UnitMeanPooling.pool(List.of()));
  }
}
