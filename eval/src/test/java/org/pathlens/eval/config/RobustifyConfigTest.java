package org.pathlens.eval.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.encoders.preprocess.stain.StainTargets;
import org.pathlens.eval.robustness.BatchCorrectedTiles;
import org.pathlens.index.batch.ComBat;

/** The {@code robustify:} block and the zero-shot task's {@code by_site} option. */
class RobustifyConfigTest {

  @TempDir Path tmp;

  private static final String BASE = "name: x\nmodel: m\ndataset: {labels: l.csv}\n";

  private EvalConfig read(String yaml) throws IOException {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, BASE + yaml);
    return EvalConfigReader.read(f);
  }

  private String error(String yaml) {
    Path f = tmp.resolve("c.yaml");
    return assertThrows(
            IllegalArgumentException.class,
            () -> {
              Files.writeString(f, BASE + yaml);
              EvalConfigReader.read(f);
            })
        .getMessage()
        .replace(f.toString(), "FILE");
  }

  @Test
  void withoutTheBlockNothingIsDoneAndTheRowIsNone() throws IOException {
    EvalConfig c = read("task: {type: zeroshot, prompts: p.json}\n");
    assertEquals(EvalConfig.Robustify.NONE, c.robustify());
    assertEquals(new EvalConfig.ZeroShot(tmp.resolve("p.json"), false), c.task());
  }

  @Test
  void batchCorrectionOptionsAndDefaults() throws IOException {
    EvalConfig c =
        read(
            "task: {type: zeroshot, prompts: p.json, by_site: true}\n"
                + "robustify: {batch_correction: {}}\n");
    assertEquals(new EvalConfig.ZeroShot(tmp.resolve("p.json"), true), c.task());
    assertEquals(
        new BatchCorrectedTiles.Options(
            ComBat.Options.defaults(), BatchCorrectedTiles.Reference.EVALUATED, List.of()),
        c.robustify().batchCorrection());
    assertEquals("ComBat combat by site, evaluated", c.tableRow());

    c =
        read(
            "task: {type: robustness}\ntable: {row: ComBat (cross-fit), columns: {accuracy@center-e: held-out}}\n"
                + "robustify:\n  batch_correction: {method: location_scale,"
                + " by: site, reference: cross_fit, reference_sites: [center-a, center-b], min_tiles: 4}\n");
    assertEquals(
        new BatchCorrectedTiles.Options(
            new ComBat.Options(ComBat.Method.LOCATION_SCALE, 4),
            BatchCorrectedTiles.Reference.CROSS_FIT,
            List.of("center-a", "center-b")),
        c.robustify().batchCorrection());
    assertEquals("ComBat (cross-fit)", c.tableRow());
    assertEquals(Map.of("accuracy@center-e", "held-out"), c.table().columns());

    c = read("task: {type: robustness}\nrobustify: {}\n");
    assertNull(c.robustify().batchCorrection());
    assertEquals("none", c.tableRow());
  }

  @Test
  void stainNormalisationAndTestTimeAugmentation() throws IOException {
    EvalConfig c =
        read(
            "task: {type: robustness}\nrobustify:\n  stain_norm: {method: macenko, target: default, fit: slide}\n"
                + "  tta: {views: 8}\n  batch_correction: {reference: cross_fit}\n");
    StainOptions expected =
        new StainOptions(
            StainNormalization.toward(StainTargets.defaultFor(StainMethod.MACENKO), StainFit.SLIDE),
            StainAugmentation.of(8));
    assertEquals(expected.toJson(), c.robustify().stain().toJson());
    assertEquals(
        "stain normalisation macenko (per slide), test-time augmentation 8 views (scale 0.05, shift 0.05),"
            + " ComBat combat by site, cross_fit",
        c.tableRow());

    c =
        read(
            "task: {type: robustness}\nrobustify: {stain_norm: {method: reinhard}, tta: {views: 1}}\n");
    assertEquals(
        new StainOptions(
                StainNormalization.toward(
                    StainTargets.defaultFor(StainMethod.REINHARD), StainFit.TILE),
                StainAugmentation.NONE)
            .toJson(),
        c.robustify().stain().toJson());
    assertEquals("stain normalisation reinhard (per tile)", c.tableRow());
    assertEquals(
        new StainAugmentation(4, 0.1, 0.02, 3),
        read("task: {type: robustness}\nrobustify: {tta: {views: 4, scale: 0.1, shift: 0.02, seed: 3}}\n")
            .robustify()
            .stain()
            .augmentation());
  }

  @Test
  void mistakesNameTheField() {
    assertEquals(
        "FILE: robustify.stain: unknown; robustify takes stain_norm, tta and batch_correction",
        error("task: {type: robustness}\nrobustify: {stain: macenko}\n"));
    assertTrue(
        error("task: {type: robustness}\nrobustify: {stain_norm: {method: vahadane}}\n")
            .startsWith("FILE: robustify.stain_norm: "),
        error("task: {type: robustness}\nrobustify: {stain_norm: {method: vahadane}}\n"));
    assertTrue(
        error(
                "task: {type: robustness}\nrobustify: {stain_norm: {method: macenko, target: nowhere.json}}\n")
            .contains("nowhere.json"));
    assertEquals(
        "FILE: robustify.tta.views: missing",
        error("task: {type: robustness}\nrobustify: {tta: {scale: 0.1}}\n"));
    assertTrue(
        error("task: {type: robustness}\nrobustify: {tta: {views: 100}}\n")
            .startsWith("FILE: robustify.tta: test-time augmentation views must be in 1..64"));
    assertEquals(
        "FILE: table.rows: unknown; table takes row and columns",
        error("task: {type: robustness}\ntable: {rows: x}\n"));
    assertEquals(
        "FILE: robustify.batch_correction.by: \"scanner\": evaluated tiles are corrected by site only",
        error("task: {type: robustness}\nrobustify: {batch_correction: {by: scanner}}\n"));
    assertEquals(
        "FILE: robustify.batch_correction: \"harmony\" is not a batch correction method: use combat or location_scale",
        error("task: {type: robustness}\nrobustify: {batch_correction: {method: harmony}}\n"));
    assertEquals(
        "FILE: robustify.batch_correction: \"test\" is not evaluated or cross_fit",
        error("task: {type: robustness}\nrobustify: {batch_correction: {reference: test}}\n"));
    assertTrue(
        error("task: {type: robustness}\nrobustify: {batch_correction: {min_tiles: 1}}\n")
            .startsWith("FILE: robustify.batch_correction: a batch needs at least 2 tiles"));
    assertEquals(
        "FILE: task.by_site: expected true or false, got \"yes\"",
        error("task: {type: zeroshot, prompts: p.json, by_site: 'yes'}\n"));
  }
}
