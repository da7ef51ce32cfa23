package org.pathlens.eval.stain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.classify.ClassEmbeddingCache;
import org.pathlens.classify.PromptSetReader;
import org.pathlens.classify.ZeroShotClassifier;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.encoders.preprocess.stain.StainTargets;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;

/**
 * A first number for what each stain option does to the demo bundle's zero-shot accuracy on
 * generated centers (the full robustness table, with RI and APD, is the evaluation configs' job):
 * accuracy per center and overall with a 95 % bootstrap interval over slides. Takes minutes, so it
 * runs only with {@code -Dpathlens.sweep=true}; {@code -Dpathlens.sweep.perClass=N} (default 20)
 * and {@code -Dpathlens.sweep.seed=S} (default 2026, the demo's centers) choose the tiles, {@code
 * -Dpathlens.sweep.tta=false} leaves out the two test-time augmentation rows (8 passes per tile):
 * {@code ./build -pl eval -am test -Dtest=StainZeroShotSweep
 * -Dsurefire.failIfNoSpecifiedTests=false -Dpathlens.sweep=true}.
 */
class StainZeroShotSweep {

  @TempDir Path tmp;

  @Test
  void sweep() throws Exception {
    Assumptions.assumeTrue(
        Boolean.getBoolean("pathlens.sweep"), "the stain sweep runs with -Dpathlens.sweep=true");
    int perClass = Integer.getInteger("pathlens.sweep.perClass", 20);
    long seed = Long.getLong("pathlens.sweep.seed", 2026);
    Path manifest =
        SyntheticTiles.write(tmp, new SyntheticTiles.Options(perClass, 5, seed, 224, 2)).manifest();
    LabelledTiles labelled =
        LabelledTiles.read(manifest, "label", LabelledTiles.DEFAULT_GROUP_COLUMN);
    Map<String, StainOptions> runs = new LinkedHashMap<>();
    runs.put("none", StainOptions.NONE);
    for (StainMethod method : List.of(StainMethod.REINHARD, StainMethod.MACENKO)) {
      for (StainFit fit : StainFit.values()) {
        runs.put(
            method.id() + " per " + fit.id(),
            StainOptions.NONE.withNormalization(
                StainNormalization.toward(StainTargets.defaultFor(method), fit)));
      }
    }
    if (!"false"
        .equals(
            System.getProperty("pathlens.sweep.tta"))) { // the slow rows: 8 forward passes per tile
      runs.put("tta 8", StainOptions.NONE.withAugmentation(StainAugmentation.of(8)));
      runs.put(
          "macenko per slide + tta 8",
          runs.get("macenko per slide").withAugmentation(StainAugmentation.of(8)));
    }
    StringBuilder table = new StringBuilder();
    List<String> centers = null;
    try (VisionLanguageModel model =
        VisionLanguageModel.load(
            Fixtures.demoBundle(), EncoderOptions.defaults().withBatchSize(32))) {
      ZeroShotClassifier classifier =
          ClassEmbeddingCache.inMemory()
              .classifier(
                  model,
                  PromptSetReader.read(
                      Fixtures.root()
                          .resolve(
                              "classify/src/main/resources/org/pathlens/classify/sets/demo-crc9.json")));
      for (Map.Entry<String, StainOptions> run : runs.entrySet()) {
        long start = System.nanoTime();
        EmbeddedTiles tiles =
            EmbeddedTiles.embed(
                labelled,
                model.images().withStain(run.getValue()),
                32,
                reason -> {
                  throw new AssertionError(reason);
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        Predictions predictions = tiles.predict(classifier);
        Map<String, int[]> perCenter = new TreeMap<>();
        for (int i = 0; i < tiles.size(); i++) {
          int[] counts = perCenter.computeIfAbsent(tiles.tiles().get(i).site(), s -> new int[2]);
          counts[0] += predictions.truth()[i] == predictions.predicted()[i] ? 1 : 0;
          counts[1]++;
        }
        if (centers == null) {
          centers = new ArrayList<>(perCenter.keySet());
          table
              .append("| stain handling | ")
              .append(String.join(" | ", centers))
              .append(" | all (95 % CI, slides resampled) | embed s |\n|---|")
              .append("---|".repeat(centers.size()))
              .append("---|---|\n");
        }
        Bootstrap.Interval all =
            new Bootstrap(1000, Bootstrap.DEFAULT_SEED, 0.95)
                .interval(predictions, p -> accuracy(p));
        table.append("| ").append(run.getKey()).append(" | ");
        for (String center : centers) {
          int[] c = perCenter.get(center);
          table.append(String.format(Locale.ROOT, "%.3f | ", (double) c[0] / c[1]));
        }
        table.append(
            String.format(
                Locale.ROOT,
                "%.3f [%.3f, %.3f] | %.0f |%n",
                all.estimate(),
                all.lower(),
                all.upper(),
                seconds));
        System.out.println(run.getKey() + " done in " + Math.round(seconds) + " s");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nZero-shot accuracy, demo bundle, demo-crc9 prompts, generated tiles (seed %d, %d per"
            + " class per center, %d tiles), default stain targets:%n%n%s%n",
        seed,
        perClass,
        labelled.tiles().size(),
        table);
  }

  private static double accuracy(Predictions p) {
    int correct = 0;
    for (int i = 0; i < p.size(); i++) {
      correct += p.truth()[i] == p.predicted()[i] ? 1 : 0;
    }
    return (double) correct / p.size();
  }
}
