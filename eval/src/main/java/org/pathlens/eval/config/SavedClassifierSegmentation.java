package org.pathlens.eval.config;

import java.util.ArrayList;
import java.util.List;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.segmentation.TileMasks;
import org.pathlens.index.SavedClassifier;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.fewshot.SavedClassifierTraining;

/**
 * Segmentation by saved classifiers, as a user gets it who saved one class per tissue with "Save as
 * class" and draws each class's heatmap: for every class of the example tiles, a {@link
 * SavedClassifier} of that class's examples (relevant) against every other class's examples (not
 * relevant), no prompt, trained by {@link SavedClassifierTraining} exactly as the server trains a
 * saved one. A tile's P(c) is class c's classifier's probability of c (what that class's heatmap
 * draws, and what its GeoJSON splits at one half); the task's rule turns the P(c) into masks. The
 * examples are generated tiles, not tiles of the evaluated slides, so every evaluated tile is
 * scored and the numbers sit beside zero-shot's on the same tiles.
 */
final class SavedClassifierSegmentation {

  /** When the classifiers are said to be saved; fixed, so that a run is the same every time. */
  private static final String SAVED = "2026-01-01T00:00:00Z";

  private SavedClassifierSegmentation() {}

  /**
   * @param examples the labelled example tiles
   * @param logitScale the bundle's (the prototype method's softmax scale)
   */
  static EvalRun.Segmented segment(
      EvalConfig config,
      EvalConfig.Segmentation task,
      EvalDatasets.Tiles tiles,
      EvalDatasets.Tiles examples,
      double logitScale) {
    EmbeddedTiles shown = examples.embedded();
    List<String> classIds = shown.labels().stream().distinct().sorted().toList();
    EmbeddedTiles embedded = tiles.embedded();
    try {
      embedded.requireLabelsIn(classIds, "the example tiles");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          config.file() + ": task.classifiers.examples: " + e.getMessage(), e);
    }
    List<ScaledClassifier> classifiers = new ArrayList<>();
    for (String c : classIds) {
      classifiers.add(SavedClassifierTraining.train(saved(config, task, c, examples), logitScale));
    }
    int n = embedded.size();
    float[][] probabilities = new float[n][classIds.size()];
    int[] truth = new int[n];
    String[] slides = new String[n];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classIds.size(); c++) {
        ClassProbabilities p = classifiers.get(c).classify(embedded.embeddings().get(i));
        probabilities[i][c] = p.probabilities()[p.classIds().indexOf(classIds.get(c))];
      }
      truth[i] = classIds.indexOf(embedded.tiles().get(i).label());
      slides[i] = embedded.tiles().get(i).group();
    }
    boolean[][] predicted =
        task.threshold() == null
            ? TileMasks.argmax(probabilities)
            : TileMasks.threshold(probabilities, task.threshold());
    return new EvalRun.Segmented(
        tiles.ids(), probabilities, new TileMasks(classIds, truth, predicted, slides));
  }

  /** Class {@code c} saved from the examples: its tiles relevant, every other tile not. */
  private static SavedClassifier saved(
      EvalConfig config, EvalConfig.Segmentation task, String c, EvalDatasets.Tiles examples) {
    EmbeddedTiles shown = examples.embedded();
    List<SavedClassifier.Example> relevant = new ArrayList<>();
    List<SavedClassifier.Example> notRelevant = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      SavedClassifier.Example e =
          new SavedClassifier.Example(examples.ids().get(i), shown.embeddings().get(i));
      (shown.labels().get(i).equals(c) ? relevant : notRelevant).add(e);
    }
    return new SavedClassifier(
        c,
        task.classifiers().method(),
        relevant,
        notRelevant,
        null,
        null,
        config.model().getFileName().toString(),
        "eval",
        shown.embeddings().getFirst().length,
        SAVED,
        SAVED);
  }
}
