package org.pathlens.eval.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.McNemar;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.PairedBootstrap;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.eval.retrieval.RetrievalEvaluation;
import org.pathlens.prompts.PromptSetReader;

/**
 * Runs two evaluation configs, A and B, on the same tiles and compares them metric by metric: A, B
 * and B − A with a paired-bootstrap interval and p-value ({@link PairedBootstrap}), and for
 * classification McNemar's exact test of accuracy. The library call behind {@code pathlens eval
 * compare}.
 *
 * <p>Both configs name the same dataset (or two tile indexes of the same tiles); tiles are paired
 * by id, and both sides must hold the same ids with the same labels. Classification compares with
 * classification (zero-shot or few-shot, any model or prompt set), over the tiles both sides test
 * (a few-shot side leaves out the tiles it trained on); retrieval compares with retrieval, query by
 * query. Robustness metrics describe a whole embedding space, not per-tile outcomes, and are not
 * compared. Each side's tiles are embedded once by its model — once in all when both sides share
 * model and dataset — and every resample reuses those predictions.
 */
public final class EvalComparison {

  /**
   * One side as it ran.
   *
   * @param model the bundle's name
   * @param task what it evaluated, e.g. {@code zero-shot, prompt set demo-crc9}
   * @param tiles tiles its dataset gave
   */
  public record Side(EvalConfig config, String model, String bundleHash, String task, int tiles) {}

  /**
   * One metric compared.
   *
   * @param items the paired items (tiles, or queries for retrieval) it was computed on
   * @param units the bootstrap's resampling units among them: slides, or the items themselves
   */
  public record Row(PairedBootstrap.Difference difference, int items, int units) {}

  /**
   * @param paired tiles both sides evaluated (retrieval: every tile is an image query)
   * @param bySlide whether the bootstrap resampled slides rather than single tiles
   * @param rows the metrics, in the order of A's {@code metrics:} (all the task's when it lists
   *     none)
   * @param mcnemar McNemar's test of accuracy; null for retrieval
   */
  public record Result(
      Side a,
      Side b,
      int paired,
      boolean bySlide,
      Bootstrap bootstrap,
      List<Row> rows,
      McNemar mcnemar) {}

  /** A side's tiles and what its task made of them. */
  private record Evaluated(
      Side side,
      EvalDatasets.Tiles tiles,
      EvalRun.Classified classified,
      RetrievalEvaluation.Items items,
      List<RetrievalEvaluation.QueryScores> queries) {}

  private EvalComparison() {}

  /** Compares B with A; {@code bootstrap} sets the resamples, seed and level of every interval. */
  public static Result run(
      EvalConfig a,
      EvalConfig b,
      Bootstrap bootstrap,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped,
      DatasetGenerator generator) {
    boolean classification = isClassification(a.task());
    if (classification != isClassification(b.task())
        || a.task() instanceof EvalConfig.Robustness
        || b.task() instanceof EvalConfig.Robustness
        || a.task() instanceof EvalConfig.Segmentation
        || b.task() instanceof EvalConfig.Segmentation) {
      throw new IllegalArgumentException(
          "A ("
              + a.file()
              + ") is a "
              + taskType(a.task())
              + " task and B ("
              + b.file()
              + ") a "
              + taskType(b.task())
              + " task: compare classification (zeroshot, fewshot) with classification or "
              + "retrieval with retrieval; robustness and segmentation metrics are not compared");
    }
    for (EvalConfig side : List.of(a, b)) {
      if (side.task() instanceof EvalConfig.Retrieval r && r.level() != null) {
        throw new IllegalArgumentException(
            side.file()
                + ": task.level: eval compare pairs the tile retrieval task without a level;"
                + " compare case retrieval by running each config with eval run");
      }
    }
    requireSameDataset(a, b);
    Evaluated sideA;
    Evaluated sideB = null;
    try (VisionLanguageModel model = VisionLanguageModel.load(a.model(), encoderOptions)) {
      EvalDatasets.Tiles tiles = EvalDatasets.tiles(a, model, encoderOptions, onSkipped, generator);
      sideA = evaluate(a, tiles, model);
      if (b.sameTilesAs(a)) {
        sideB = evaluate(b, tiles, model);
      }
    }
    if (sideB == null) {
      try (VisionLanguageModel model = VisionLanguageModel.load(b.model(), encoderOptions)) {
        sideB =
            evaluate(b, EvalDatasets.tiles(b, model, encoderOptions, onSkipped, generator), model);
      }
    }
    requireSameTiles(sideA, sideB);
    return classification
        ? compareClassification(sideA, sideB, bootstrap)
        : compareRetrieval(sideA, sideB, bootstrap);
  }

  private static Evaluated evaluate(
      EvalConfig config, EvalDatasets.Tiles embedded, VisionLanguageModel model) {
    EvalDatasets.Tiles tiles =
        EvalTasks.robustify(config, embedded); // each side its own, on the shared embeddings
    Side side =
        new Side(
            config,
            model.bundle().config().name(),
            model.bundle().contentHash(),
            describe(config.task()),
            tiles.ids().size());
    if (isClassification(config.task())) {
      return new Evaluated(
          side, tiles, EvalTasks.classify(config, tiles.embedded(), model), null, null);
    }
    RetrievalEvaluation.Items items = EvalTasks.retrievalItems(tiles, model);
    return new Evaluated(side, tiles, null, items, RetrievalEvaluation.scores(items));
  }

  private static Result compareClassification(Evaluated a, Evaluated b, Bootstrap bootstrap) {
    List<String> idsA = a.classified().tileIndices().stream().map(a.tiles().ids()::get).toList();
    List<String> idsB = b.classified().tileIndices().stream().map(b.tiles().ids()::get).toList();
    int[][] pairs = pair(idsA, idsB);
    if (pairs[0].length == 0) {
      throw new IllegalArgumentException(
          "A and B test no tile in common (a few-shot side leaves its training tiles out): "
              + a.side().config().file()
              + ", "
              + b.side().config().file());
    }
    Predictions pa = a.classified().predictions().select(pairs[0]);
    Predictions pb = b.classified().predictions().select(pairs[1]);
    List<String> computed =
        Arrays.stream(Metric.values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList();
    List<PairedBootstrap.Statistic> statistics = new ArrayList<>();
    for (String name : selected(a.side().config(), computed)) {
      statistics.add(PairedBootstrap.of(Metric.valueOf(name.toUpperCase(Locale.ROOT)), pa, pb));
    }
    String[] groups = pa.groups();
    List<Row> rows =
        rows(
            PairedBootstrap.differences(bootstrap, pa.size(), groups, statistics),
            groups,
            pa.size());
    McNemar mcnemar = McNemar.of(McNemar.correct(pa), McNemar.correct(pb));
    return new Result(a.side(), b.side(), pa.size(), groups != null, bootstrap, rows, mcnemar);
  }

  /**
   * Per query set (cross-modal, image→image), each metric's per-query scores paired by query tile.
   */
  private static Result compareRetrieval(Evaluated a, Evaluated b, Bootstrap bootstrap) {
    List<String> computed = a.queries().stream().flatMap(q -> q.names().stream()).toList();
    List<String> wanted = selected(a.side().config(), computed);
    Map<String, Row> byName = new HashMap<>();
    for (RetrievalEvaluation.QueryScores setA : a.queries()) {
      RetrievalEvaluation.QueryScores setB =
          b.queries().stream()
              .filter(q -> q.names().equals(setA.names()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "B ("
                              + b.side().config().file()
                              + ") has no queries for "
                              + setA.names()
                              + ": its tiles have no captions where A's have"));
      int[][] pairs = pair(ids(a, setA), ids(b, setB));
      int n = pairs[0].length;
      String[] groups = new String[n];
      for (int i = 0; i < n; i++) {
        groups[i] = a.items().slides().get(setA.queries().get(pairs[0][i]));
      }
      List<PairedBootstrap.Statistic> statistics = new ArrayList<>();
      for (int m = 0; m < setA.names().size(); m++) {
        if (wanted.contains(setA.names().get(m))) {
          statistics.add(
              PairedBootstrap.mean(
                  setA.names().get(m),
                  pick(setA.scores().get(m), pairs[0]),
                  pick(setB.scores().get(m), pairs[1])));
        }
      }
      rows(PairedBootstrap.differences(bootstrap, n, groups, statistics), groups, n)
          .forEach(r -> byName.put(r.difference().name(), r));
    }
    List<Row> rows = wanted.stream().map(byName::get).toList();
    boolean bySlide = a.tiles().embedded().tiles().stream().allMatch(t -> t.group() != null);
    return new Result(a.side(), b.side(), a.tiles().ids().size(), bySlide, bootstrap, rows, null);
  }

  private static List<String> ids(Evaluated side, RetrievalEvaluation.QueryScores set) {
    return set.queries().stream().map(side.tiles().ids()::get).toList();
  }

  private static List<Row> rows(
      List<PairedBootstrap.Difference> differences, String[] groups, int items) {
    int units = groups == null ? items : new LinkedHashSet<>(List.of(groups)).size();
    return differences.stream().map(d -> new Row(d, items, units)).toList();
  }

  /** Positions in A's and in B's list of the ids both hold, in A's order. */
  private static int[][] pair(List<String> idsA, List<String> idsB) {
    Map<String, Integer> positionB = new HashMap<>();
    for (int i = 0; i < idsB.size(); i++) {
      positionB.put(idsB.get(i), i);
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < idsA.size(); i++) {
      Integer j = positionB.get(idsA.get(i));
      if (j != null) {
        pairs.add(new int[] {i, j});
      }
    }
    return new int[][] {
      pairs.stream().mapToInt(p -> p[0]).toArray(), pairs.stream().mapToInt(p -> p[1]).toArray()
    };
  }

  private static double[] pick(double[] values, int[] positions) {
    double[] out = new double[positions.length];
    for (int i = 0; i < positions.length; i++) {
      out[i] = values[positions[i]];
    }
    return out;
  }

  /**
   * The same {@code dataset:} block, or two tile indexes (each model's own, built from the same
   * tiles): ids pair tiles, and two generated sets or two tile folders can reuse the same ids for
   * different images.
   */
  private static void requireSameDataset(EvalConfig a, EvalConfig b) {
    if (a.dataset().equals(b.dataset())
        || (a.dataset() instanceof EvalConfig.IndexTiles
            && b.dataset() instanceof EvalConfig.IndexTiles)) {
      return;
    }
    throw new IllegalArgumentException(
        "A ("
            + a.file()
            + ") and B ("
            + b.file()
            + ") must evaluate the same dataset (the same "
            + "dataset: block, or two indexes of the same tiles): A's is "
            + describe(a.dataset())
            + ", B's "
            + describe(b.dataset()));
  }

  private static String describe(EvalConfig.Dataset dataset) {
    String sites = dataset.sites().isEmpty() ? "" : ", sites " + dataset.sites();
    return switch (dataset) {
      case EvalConfig.Generated g ->
          String.format(
                  Locale.ROOT,
                  "generate {per_class: %d, centers: %d, seed: %d%s}",
                  g.perClass(),
                  g.centers(),
                  g.seed(),
                  g.layout().equals("mixed") ? "" : ", layout: " + g.layout())
              + sites;
      case EvalConfig.LabelsCsv l ->
          "labels " + l.csv() + " (column " + l.labelColumn() + ")" + sites;
      case EvalConfig.IndexTiles i ->
          "index " + i.index() + (i.filter() == null ? "" : " (filter " + i.filter() + ")") + sites;
      case EvalConfig.AnnotatedSlides a -> "slide_files " + a.slides() + ", regions " + a.regions();
      case EvalConfig.GeneratedSlides g ->
          String.format(
              Locale.ROOT,
              "slides {count: %d, width: %d, height: %d, centers: %d, seed: %d}",
              g.count(),
              g.width(),
              g.height(),
              g.centers(),
              g.seed());
    };
  }

  /**
   * Both datasets hold the same tile ids with the same labels: otherwise B − A would mix data with
   * models.
   */
  private static void requireSameTiles(Evaluated a, Evaluated b) {
    Map<String, String> labelsA = labelsById(a);
    Map<String, String> labelsB = labelsById(b);
    if (!labelsA.keySet().equals(labelsB.keySet())) {
      Set<String> onlyA = new LinkedHashSet<>(labelsA.keySet());
      onlyA.removeAll(labelsB.keySet());
      Set<String> onlyB = new LinkedHashSet<>(labelsB.keySet());
      onlyB.removeAll(labelsA.keySet());
      throw new IllegalArgumentException(
          "A's dataset ("
              + a.side().config().file()
              + ") has "
              + labelsA.size()
              + " tiles and B's ("
              + b.side().config().file()
              + ") "
              + labelsB.size()
              + "; "
              + onlyA.size()
              + " only in A"
              + example(onlyA)
              + ", "
              + onlyB.size()
              + " only in B"
              + example(onlyB)
              + ": compare on the same tiles");
    }
    labelsA.forEach(
        (id, label) -> {
          if (!label.equals(labelsB.get(id))) {
            throw new IllegalArgumentException(
                "tile "
                    + id
                    + " is labelled "
                    + label
                    + " in A's dataset ("
                    + a.side().config().file()
                    + ") and "
                    + labelsB.get(id)
                    + " in B's ("
                    + b.side().config().file()
                    + ")");
          }
        });
  }

  private static Map<String, String> labelsById(Evaluated side) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> ids = side.tiles().ids();
    for (int i = 0; i < ids.size(); i++) {
      if (out.put(ids.get(i), side.tiles().embedded().tiles().get(i).label()) != null) {
        throw new IllegalArgumentException(
            side.side().config().file()
                + ": tile id "
                + ids.get(i)
                + " appears twice in the dataset; tiles are paired by id");
      }
    }
    return out;
  }

  private static String example(Set<String> ids) {
    return ids.isEmpty() ? "" : " (e.g. " + ids.iterator().next() + ")";
  }

  /**
   * A's configured metrics in its order, or every computed one; an unknown name is an error listing
   * them.
   */
  private static List<String> selected(EvalConfig config, List<String> computed) {
    if (config.metrics().isEmpty()) {
      return computed;
    }
    for (String name : config.metrics()) {
      if (!computed.contains(name)) {
        throw new IllegalArgumentException(
            config.file()
                + ": metrics: \""
                + name
                + "\" is not computed by this task; it computes "
                + computed);
      }
    }
    return config.metrics();
  }

  private static boolean isClassification(EvalConfig.Task task) {
    return task instanceof EvalConfig.ZeroShot || task instanceof EvalConfig.FewShot;
  }

  private static String taskType(EvalConfig.Task task) {
    return switch (task) {
      case EvalConfig.ZeroShot z -> "zeroshot";
      case EvalConfig.FewShot f -> "fewshot";
      case EvalConfig.Retrieval r -> "retrieval";
      case EvalConfig.Robustness r -> "robustness";
      case EvalConfig.Segmentation s -> "segmentation";
    };
  }

  /** What a side evaluates, in a few words for the report. */
  static String describe(EvalConfig.Task task) {
    return switch (task) {
      case EvalConfig.ZeroShot z ->
          "zero-shot, " + z.describe(PromptSetReader.resolve(z.prompts()).name());
      case EvalConfig.FewShot f ->
          String.format(
              Locale.ROOT, "few-shot %s, %d per class (seed %d)", f.method(), f.shots(), f.seed());
      case EvalConfig.Retrieval r -> "retrieval";
      case EvalConfig.Robustness r -> "robustness";
      case EvalConfig.Segmentation s -> "segmentation, " + s.rule();
    };
  }
}
