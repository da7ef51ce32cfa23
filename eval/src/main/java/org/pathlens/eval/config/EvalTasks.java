package org.pathlens.eval.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.FewShotEvaluation;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.classify.MetricsReport;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.RobustnessIndex;
import org.pathlens.eval.retrieval.CaseItems;
import org.pathlens.eval.retrieval.CaseRetrieval;
import org.pathlens.eval.retrieval.RetrievalEvaluation;
import org.pathlens.eval.robustness.BatchCorrectedTiles;
import org.pathlens.eval.robustness.ClusteringScore;
import org.pathlens.eval.robustness.PerformanceDrop;
import org.pathlens.eval.segmentation.TileMasks;
import org.pathlens.prompts.Classifier;
import org.pathlens.prompts.PromptEmbeddings;
import org.pathlens.prompts.PromptScreening;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.ZeroShotClassifier;
import org.pathlens.prompts.fewshot.KnnClassifier;
import org.pathlens.prompts.fewshot.LabelledEmbeddings;
import org.pathlens.prompts.fewshot.LinearProbe;
import org.pathlens.prompts.fewshot.PrototypeClassifier;

/**
 * The tasks of an evaluation config on embedded tiles: the config's robustification, zero-shot and
 * few-shot classification with their metrics (per center with {@code by_site}), the items of a
 * retrieval task and the robustness metrics.
 */
final class EvalTasks {

  private static final int TEXT_BATCH = 64;

  private EvalTasks() {}

  /**
   * The tiles with the config's embedding-level robustification applied (batch correction), the
   * same tiles in the same order; every task and each side of {@link EvalComparison} works on
   * these.
   */
  static EvalDatasets.Tiles robustify(EvalConfig config, EvalDatasets.Tiles tiles) {
    if (config.robustify().batchCorrection() == null) {
      return tiles;
    }
    try {
      EmbeddedTiles corrected =
          BatchCorrectedTiles.apply(tiles.embedded(), config.robustify().batchCorrection()).tiles();
      return new EvalDatasets.Tiles(corrected, tiles.ids(), tiles.captions(), tiles.patients());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          config.file() + ": robustify.batch_correction: " + e.getMessage(), e);
    }
  }

  /** The classification metrics, and with zero-shot {@code by_site} the accuracy per center. */
  static List<MetricValue> classificationValues(
      EvalConfig config, EmbeddedTiles tiles, EvalRun.Classified classified) {
    List<MetricValue> values =
        new ArrayList<>(
            classificationValues(MetricsReport.of(classified.predictions(), config.bootstrap())));
    if (config.task() instanceof EvalConfig.ZeroShot z && z.bySite()) {
      values.addAll(accuracyBySite(config, tiles, classified));
    }
    return values;
  }

  /**
   * {@code accuracy@<site>} per center in name order, each with its own bootstrap over that
   * center's slides.
   */
  private static List<MetricValue> accuracyBySite(
      EvalConfig config, EmbeddedTiles tiles, EvalRun.Classified classified) {
    List<String> sites = new ArrayList<>();
    for (int tileIndex : classified.tileIndices()) {
      LabelledTiles.Tile tile = tiles.tiles().get(tileIndex);
      if (tile.site() == null) {
        throw new IllegalArgumentException(
            config.file()
                + ": task.by_site needs the site of every tile; "
                + tile.file()
                + " has none");
      }
      sites.add(tile.site());
    }
    List<MetricValue> values = new ArrayList<>();
    classified
        .predictions()
        .split(sites)
        .forEach(
            (site, p) ->
                values.add(
                    new MetricValue(
                        "accuracy@" + site, config.bootstrap().interval(p, Metric.ACCURACY::of))));
    return values;
  }

  /** The predictions of a zero-shot or few-shot task; any other task is an error. */
  static EvalRun.Classified classify(
      EvalConfig config, EmbeddedTiles tiles, VisionLanguageModel model) {
    return switch (config.task()) {
      case EvalConfig.ZeroShot z -> zeroShot(z, tiles, model);
      case EvalConfig.FewShot f -> fewShot(config, f, tiles, model);
      default ->
          throw new IllegalArgumentException(
              config.file() + ": task: not a classification task (zeroshot, fewshot)");
    };
  }

  private static EvalRun.Classified zeroShot(
      EvalConfig.ZeroShot task, EmbeddedTiles tiles, VisionLanguageModel model) {
    PromptSet prompts = PromptSetReader.resolve(task.prompts());
    tiles.requireLabelsIn(prompts.classIds(), "prompt set " + prompts.name());
    PromptEmbeddings promptEmbeddings = PromptEmbeddings.encode(prompts, model.texts());
    List<Integer> all = IntStream.range(0, tiles.size()).boxed().toList();
    if (task.screenPrompts() == null) {
      ZeroShotClassifier classifier =
          new ZeroShotClassifier(prompts, promptEmbeddings.classEmbeddings(), model.logitScale());
      return new EvalRun.Classified(tiles.predict(classifier), all);
    }
    // Screened on the very tiles it classifies, their labels unseen: what a user can do with a
    // slide or an index subset before trusting a prompt set on it.
    PromptScreening screening =
        PromptScreening.screen(
            promptEmbeddings, tiles.embeddings(), model.logitScale(), task.screenPrompts());
    return new EvalRun.Classified(
        tiles.predict(screening.classifier(model.logitScale())), all, screening);
  }

  /**
   * Zero-shot segmentation (saved classifiers: {@link SavedClassifierSegmentation}). Each tile's
   * class probabilities from the prompt set's zero-shot classifier on its stored embedding (what
   * {@code IndexClassifier} gives {@code heatmap} and {@code classify --per-slide}), the task's
   * decision rule applied, and the tiles' true classes. A true class the prompt set does not have
   * is refused, naming it.
   */
  static EvalRun.Segmented segment(
      EvalConfig config,
      EvalConfig.Segmentation task,
      EvalDatasets.Tiles tiles,
      VisionLanguageModel model) {
    EmbeddedTiles embedded = tiles.embedded();
    PromptSet prompts = PromptSetReader.resolve(task.prompts());
    try {
      embedded.requireLabelsIn(prompts.classIds(), "prompt set " + prompts.name());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(config.file() + ": task.prompts: " + e.getMessage(), e);
    }
    ZeroShotClassifier classifier =
        new ZeroShotClassifier(
            prompts,
            PromptEmbeddings.encode(prompts, model.texts()).classEmbeddings(),
            model.logitScale());
    int n = embedded.size();
    float[][] probabilities = new float[n][];
    int[] truth = new int[n];
    String[] slides = new String[n];
    for (int i = 0; i < n; i++) {
      probabilities[i] = classifier.classify(embedded.embeddings().get(i)).probabilities();
      LabelledTiles.Tile tile = embedded.tiles().get(i);
      truth[i] = prompts.classIds().indexOf(tile.label());
      slides[i] = tile.group();
    }
    boolean[][] predicted =
        task.threshold() == null
            ? TileMasks.argmax(probabilities)
            : TileMasks.threshold(probabilities, task.threshold());
    return new EvalRun.Segmented(
        tiles.ids(), probabilities, new TileMasks(prompts.classIds(), truth, predicted, slides));
  }

  private static EvalRun.Classified fewShot(
      EvalConfig config, EvalConfig.FewShot task, EmbeddedTiles tiles, VisionLanguageModel model) {
    List<String> classIds = tiles.labels().stream().distinct().sorted().toList();
    // The split draws exactly `shots` tiles per class into the pool: the training set.
    FewShotEvaluation.SplitIndices indices =
        FewShotEvaluation.splitIndices(tiles, classIds, task.shots(), task.seed());
    FewShotEvaluation.Split split =
        new FewShotEvaluation.Split(tiles.select(indices.pool()), tiles.select(indices.test()));
    LabelledEmbeddings train =
        LabelledEmbeddings.of(classIds, split.pool().embeddings(), split.pool().labels());
    Classifier classifier =
        switch (task.method()) {
          case "linear_probe" -> LinearProbe.train(train, LinearProbe.Options.defaults());
          case "prototype" -> PrototypeClassifier.train(train, model.logitScale());
          case "knn" -> new KnnClassifier(train, Math.min(5, task.shots()));
          default ->
              throw new IllegalArgumentException(
                  config.file() + ": task.method: unknown " + task.method());
        };
    return new EvalRun.Classified(split.test().predict(classifier), indices.test());
  }

  static List<MetricValue> classificationValues(MetricsReport report) {
    return report.metrics().stream()
        .map(r -> new MetricValue(r.metric().name().toLowerCase(Locale.ROOT), r.interval()))
        .toList();
  }

  /**
   * The items of a case retrieval task: the tiles, or their slides or patients pooled from their
   * unit embeddings. A dataset that cannot make them (no patient ids for patients, a tie between
   * labels) is refused naming the config.
   */
  static CaseItems caseItems(
      EvalConfig config, EvalConfig.Retrieval task, EvalDatasets.Tiles tiles) {
    EmbeddedTiles embedded = tiles.embedded();
    List<String> slides = embedded.tiles().stream().map(LabelledTiles.Tile::group).toList();
    try {
      return CaseItems.of(
          new CaseItems.Tiles(
              tiles.ids(), embedded.embeddings(), embedded.labels(), slides, tiles.patients()),
          task.level(),
          task.fusion());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          config.file() + ": task.level " + task.level() + ": " + e.getMessage(), e);
    }
  }

  /** Acc@k, MV@k and mAP@k of the items, over all queries, macro and per class. */
  static List<MetricValue> caseRetrieval(
      EvalConfig config, EvalConfig.Retrieval task, CaseItems items) {
    try {
      return CaseRetrieval.run(items, task.ks(), config.bootstrap());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(config.file() + ": task.ks: " + e.getMessage(), e);
    }
  }

  /**
   * The tiles as retrieval items: their images, captions (encoded by {@code model}), labels and
   * slides.
   */
  static RetrievalEvaluation.Items retrievalItems(
      EvalDatasets.Tiles tiles, VisionLanguageModel model) {
    EmbeddedTiles embedded = tiles.embedded();
    List<String> captionTexts = new ArrayList<>();
    List<Integer> captioned = new ArrayList<>();
    for (int i = 0; i < embedded.size(); i++) {
      if (!tiles.captions().get(i).isBlank()) {
        captioned.add(i);
        captionTexts.add(tiles.captions().get(i));
      }
    }
    List<float[]> captions = new ArrayList<>(Collections.nCopies(embedded.size(), (float[]) null));
    for (int from = 0; from < captionTexts.size(); from += TEXT_BATCH) {
      int to = Math.min(captionTexts.size(), from + TEXT_BATCH);
      List<float[]> encoded = model.texts().encode(captionTexts.subList(from, to));
      for (int j = from; j < to; j++) {
        captions.set(captioned.get(j), encoded.get(j - from));
      }
    }
    List<String> slides = new ArrayList<>();
    for (int i = 0; i < embedded.size(); i++) {
      String group = embedded.tiles().get(i).group();
      slides.add(group != null ? group : tiles.ids().get(i));
    }
    return new RetrievalEvaluation.Items(
        tiles.ids(), embedded.embeddings(), captions, embedded.labels(), slides);
  }

  static List<MetricValue> robustness(
      EvalConfig config, EvalConfig.Robustness task, EmbeddedTiles tiles) {
    int n = tiles.size();
    String[] centers = new String[n];
    String[] slides = new String[n];
    for (int i = 0; i < n; i++) {
      LabelledTiles.Tile tile = tiles.tiles().get(i);
      if (tile.site() == null) {
        throw new IllegalArgumentException(
            config.file()
                + ": task robustness needs the center (site) of every tile; "
                + tile.file()
                + " has none");
      }
      centers[i] = tile.site();
      // Without slides, each tile is its own slide: only itself is left out of its neighbours.
      slides[i] = tile.group() != null ? tile.group() : tile.file().toString();
    }
    String[] classes = tiles.labels().toArray(String[]::new);
    RobustnessIndex.Counts counts =
        RobustnessIndex.count(tiles.embeddings(), classes, centers, slides, task.k());
    List<MetricValue> values = new ArrayList<>();
    values.add(new MetricValue("robustness_index", counts.interval(config.bootstrap())));
    if (task.apd() != null) {
      PerformanceDrop.Result drop;
      try {
        drop = PerformanceDrop.run(tiles.embeddings(), classes, centers, slides, task.apd());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(config.file() + ": task.apd: " + e.getMessage(), e);
      }
      values.add(new MetricValue("apd", drop.interval(config.bootstrap())));
      // The probe's accuracy per level, so a drop can be read back to where it happens.
      for (int l = 0; l < drop.levels().size(); l++) {
        values.add(
            new MetricValue(
                "apd_accuracy@" + PerformanceDrop.levelName(drop.levels().get(l)),
                drop.accuracyInterval(l, config.bootstrap())));
      }
    }
    if (task.clustering() != null) {
      ClusteringScore.Result clustering =
          ClusteringScore.of(
              tiles.embeddings(), classes, centers, slides, task.clustering().seed());
      values.add(new MetricValue("clustering_score", clustering.interval(config.bootstrap())));
    }
    return values;
  }
}
