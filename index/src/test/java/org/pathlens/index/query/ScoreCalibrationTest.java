package org.pathlens.index.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdict rule and the record's round trip on hand-computed numbers; the numbers on a real
 * index are pinned against NumPy in the cli module's CalibrationCommandTest.
 */
class ScoreCalibrationTest {

  /**
   * Background contrasts 0.1, 0.2, 0.3 (bests minus means): mean 0.2, sample sd 0.1. The tiles'
   * mean embedding is (0.5, 0), so a query (1, 0) has mean cosine 0.5 over the tiles.
   */
  private static final ScoreCalibration CALIBRATION =
      new ScoreCalibration(
          "1",
          "demo (abc, D=2)",
          10,
          4,
          new float[] {0.5f, 0f},
          List.of(0.6f, 0.7f, 0.8f),
          List.of(0.5f, 0.5f, 0.5f));

  private static final float[] QUERY = {1f, 0f};

  @Test
  void zIsTheContrastAgainstTheBackgroundsContrasts() {
    assertEquals(0.2, CALIBRATION.contrastMean(), 1e-6);
    assertEquals(0.1, CALIBRATION.contrastSd(), 1e-6);
    ScoreCalibration.Calibrated best = CALIBRATION.calibrate(0.95f, QUERY);
    assertEquals(0.5, best.mean(), 1e-6);
    assertEquals(0.45, best.contrast(), 1e-6);
    assertEquals(2.5, best.z(), 1e-5);
  }

  @Test
  void theVerdictFollowsTheDocumentedThresholds() {
    // contrast = best - 0.5; z = (contrast - 0.2) / 0.1
    assertEquals(ScoreCalibration.Verdict.STRONG, CALIBRATION.calibrate(1.0001f, QUERY).verdict());
    assertEquals(ScoreCalibration.Verdict.WEAK, CALIBRATION.calibrate(0.9999f, QUERY).verdict());
    assertEquals(ScoreCalibration.Verdict.WEAK, CALIBRATION.calibrate(0.9001f, QUERY).verdict());
    assertEquals(
        ScoreCalibration.Verdict.NO_BETTER, CALIBRATION.calibrate(0.8999f, QUERY).verdict());
    assertEquals("no better than unrelated text", ScoreCalibration.Verdict.NO_BETTER.words());
    // The help's words state the thresholds the code uses.
    assertEquals(
        "strong: z >= %d; weak: %d <= z < %d; no better than unrelated text: z < %d"
            .formatted(
                (int) ScoreCalibration.STRONG_Z,
                (int) ScoreCalibration.WEAK_Z,
                (int) ScoreCalibration.STRONG_Z,
                (int) ScoreCalibration.WEAK_Z),
        ScoreCalibration.RULE_VERDICT);
  }

  @Test
  void aQueryOfAnotherDimensionIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CALIBRATION.calibrate(0.9f, new float[] {1f, 0f, 0f}));
    assertEquals("embedding of dimension 3 against a calibration of 2", e.getMessage());
  }

  @Test
  void anIndexOfOneTileCannotBeJudged() {
    // One tile: every text's best is its mean, every contrast 0.
    ScoreCalibration one =
        new ScoreCalibration(
            "1",
            "demo (abc, D=2)",
            1,
            1,
            new float[] {1f, 0f},
            List.of(0.6f, 0.7f),
            List.of(0.6f, 0.7f));
    assertFalse(one.canJudge());
    assertThrows(IllegalStateException.class, () -> one.calibrate(0.9f, QUERY));
    assertTrue(CALIBRATION.canJudge());
  }

  @Test
  void theRecordReadsBackAsWritten() throws Exception {
    ScoreCalibration read = ScoreCalibration.fromJson(CALIBRATION.toJson());
    assertEquals(CALIBRATION.backgroundVersion(), read.backgroundVersion());
    assertEquals(CALIBRATION.bundle(), read.bundle());
    assertEquals(CALIBRATION.tiles(), read.tiles());
    assertEquals(CALIBRATION.generation(), read.generation());
    assertArrayEquals(CALIBRATION.tileMean(), read.tileMean());
    assertEquals(CALIBRATION.backgroundBest(), read.backgroundBest());
    assertEquals(CALIBRATION.backgroundMean(), read.backgroundMean());
  }

  @Test
  void theCommittedBackgroundHasAVersionAndBothKindsOfText() {
    CalibrationBackground background = CalibrationBackground.standard();
    assertEquals("1", background.version());
    assertEquals(14, background.unrelated().size());
    assertEquals(10, background.generic().size());
    assertEquals("a photo of a cat", background.texts().getFirst());
    assertEquals(24, background.texts().stream().distinct().count());
  }
}
