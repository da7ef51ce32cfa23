package org.pathlens.eval.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.config.Expectations;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.retrieval.CaseItems;
import org.pathlens.eval.retrieval.PatientFusion;
import org.pathlens.eval.retrieval.RetrievalLevel;
import org.pathlens.prompts.PromptScreening;

/**
 * The report of one {@code pathlens eval run} config: what {@link EvalRun} measured and how it
 * compares with the config.
 */
public final class EvalRunReports {

  private EvalRunReports() {}

  /**
   * @param checks the verdicts {@link Expectations#check} gave, one per metric of {@code result}
   * @param commandLine the command as it was typed, for the page's header
   */
  public static EvalReport of(
      EvalRun.Result result, List<Expectations.Check> checks, String commandLine) {
    EvalConfig config = result.config();
    List<EvalReport.MetricRow> rows =
        checks.stream()
            .map(
                c ->
                    new EvalReport.MetricRow(
                        c.value().name(),
                        c.value().interval(),
                        c.expected(),
                        c.tolerance(),
                        c.status().name()))
            .toList();
    ClassificationDetails classification = null;
    if (result.classified() != null) {
      EmbeddedTiles classified = result.embedded().select(result.classified().tileIndices());
      classification =
          ClassificationDetails.of(
              result.classified().predictions(),
              classified.tiles().stream().map(LabelledTiles.Tile::site).toList(),
              config.bootstrap());
    }
    boolean bySlide = result.embedded().tiles().stream().allMatch(t -> t.group() != null);
    return new EvalReport(
        config.name(),
        settings(result, commandLine),
        metricTables(config.task(), rows, result.cases()),
        result.classified() != null && result.classified().screening() != null
            ? List.of(screeningTable(result.classified().screening()))
            : List.of(),
        classification,
        EmbeddingMap.pca(result.embedded()),
        config.bootstrap(),
        bySlide ? "slide" : "tile");
  }

  /** Every prompt variant the screening scored, class by class in rank order. */
  static EvalReport.Table screeningTable(PromptScreening screening) {
    List<List<Object>> rows = new ArrayList<>();
    for (PromptScreening.Variant v : screening.variants()) {
      rows.add(List.of(v.classId(), v.rank(), v.prompt(), v.score(), v.kept() ? "yes" : "no"));
    }
    return new EvalReport.Table(
        "prompt_screening",
        "Prompt screening without labels",
        String.format(
            Locale.ROOT,
            "Each class's prompt variants ranked by the mean confidence margin p(1st) − p(2nd) they"
                + " give the %d tiles (labels unused), the top %s kept and averaged"
                + " (docs/zero-shot.md).",
            screening.tiles(),
            share(screening.keepFraction())),
        List.of("class", "rank", "prompt", "score", "kept"),
        rows);
  }

  private static String share(double fraction) {
    double p = fraction * 100;
    return (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + " %";
  }

  private static List<EvalReport.Setting> settings(EvalRun.Result result, String commandLine) {
    EvalConfig config = result.config();
    List<EvalReport.Setting> out = new ArrayList<>();
    out.add(new EvalReport.Setting("config", "config", config.name()));
    out.add(new EvalReport.Setting("config_file", "config file", config.file().toString()));
    out.add(new EvalReport.Setting("model", "model", result.model()));
    out.add(new EvalReport.Setting("bundle", "model bundle", config.model().toString()));
    out.add(new EvalReport.Setting("bundle_hash", "bundle content hash", result.bundleHash()));
    out.add(new EvalReport.Setting("dataset", "dataset", dataset(config.dataset())));
    out.add(new EvalReport.Setting("task", "task", task(config.task())));
    String tiles = Integer.toString(result.tiles());
    if (result.classified() != null && result.classified().tileIndices().size() != result.tiles()) {
      tiles +=
          " ("
              + result.classified().tileIndices().size()
              + " classified, the rest trained the classifier)";
    }
    out.add(new EvalReport.Setting("tiles", "tiles", tiles));
    if (result.cases() != null) {
      CaseItems cases = result.cases();
      out.add(
          new EvalReport.Setting(
              "retrieval_items",
              cases.level() + "s queried",
              cases.size()
                  + (cases.level() == RetrievalLevel.TILE
                      ? ""
                      : " (" + cases.mixedLabels() + " labelled by the majority of their tiles)")));
      out.add(
          new EvalReport.Setting(
              "left_out", "left out of each query's candidates", cases.leftOut()));
    }
    Bootstrap b = config.bootstrap();
    out.add(
        new EvalReport.Setting(
            "bootstrap",
            "bootstrap",
            String.format(
                Locale.ROOT,
                "%d resamples, seed %d, %.0f %% intervals",
                b.resamples(),
                b.seed(),
                b.level() * 100)));
    out.add(
        new EvalReport.Setting(
            "tolerance",
            "tolerance",
            BigDecimal.valueOf(config.tolerance()).stripTrailingZeros().toPlainString()));
    out.add(new EvalReport.Setting("command_line", "command line", commandLine));
    return out;
  }

  static String dataset(EvalConfig.Dataset dataset) {
    String text =
        switch (dataset) {
          case EvalConfig.Generated g ->
              String.format(
                  Locale.ROOT,
                  "generated tiles: %d per class and center, %d centers, seed %d%s",
                  g.perClass(),
                  g.centers(),
                  g.seed(),
                  g.layout().equals("mixed") ? "" : ", " + g.layout() + " layout");
          case EvalConfig.LabelsCsv l ->
              "labels " + l.csv() + " (label column " + l.labelColumn() + ")";
          case EvalConfig.IndexTiles i ->
              "index " + i.index() + (i.filter() == null ? "" : ", filter " + i.filter());
          case EvalConfig.AnnotatedSlides a ->
              "slides "
                  + a.slides()
                  + " with QuPath regions "
                  + a.regions()
                  + "; tiles labelled by the smallest region holding their centre";
          case EvalConfig.GeneratedSlides g ->
              String.format(
                  Locale.ROOT,
                  "generated slides: %d of %d x %d pixels, %d centers, seed %d; tiles labelled by"
                      + " the true class at their centre",
                  g.count(),
                  g.width(),
                  g.height(),
                  g.centers(),
                  g.seed());
        };
    return dataset.sites().isEmpty()
        ? text
        : text + ", sites " + String.join(", ", dataset.sites());
  }

  static String task(EvalConfig.Task task) {
    return switch (task) {
      case EvalConfig.ZeroShot z ->
          "zero-shot with prompts "
              + z.prompts()
              + (z.screenPrompts() == null ? "" : ", " + z.screening());
      case EvalConfig.FewShot f ->
          String.format(
              Locale.ROOT,
              "few-shot %s, %d shots per class, seed %d",
              f.method(),
              f.shots(),
              f.seed());
      case EvalConfig.Retrieval r when r.level() != null ->
          "case retrieval at "
              + r.level()
              + " level"
              + (r.fusion() == null ? "" : ", " + r.fusion() + " fusion")
              + ": Acc@k, MV@k, mAP@k for k in "
              + r.ks()
              + " (exact cosine search, Patho-Bench's definitions)";
      case EvalConfig.Retrieval r ->
          "retrieval: text to image, image to text, image to image (exact cosine search)";
      case EvalConfig.Segmentation s ->
          (s.classifiers() == null
                  ? "zero-shot segmentation with prompts " + s.prompts()
                  : "segmentation with " + s.classifiers().describe())
              + ", rule "
              + s.rule()
              + ": Dice and IoU per class at tile level";
      case EvalConfig.Robustness r ->
          "robustness (PathoROB): k = "
              + r.k()
              + (r.apd() == null
                  ? ""
                  : ", APD at levels "
                      + r.apd().levels()
                      + " (test share "
                      + r.apd().testShare()
                      + ", seed "
                      + r.apd().seed()
                      + ")")
              + (r.clustering() == null
                  ? ""
                  : ", clustering score (k-means++ seed " + r.clustering().seed() + ")");
    };
  }

  private static List<EvalReport.MetricTable> metricTables(
      EvalConfig.Task task, List<EvalReport.MetricRow> rows, CaseItems cases) {
    return switch (task) {
      case EvalConfig.Retrieval r when r.level() != null -> caseTables(r, rows, cases);
      case EvalConfig.ZeroShot _, EvalConfig.FewShot _ ->
          List.of(
              new EvalReport.MetricTable(
                  "metrics",
                  "Metrics",
                  "Classification of the evaluated tiles; ece is the expected calibration error (lower is better).",
                  rows));
      case EvalConfig.Retrieval _ ->
          nonEmpty(
              List.of(
                  table(
                      "text_to_image",
                      "Text → image",
                      "Each caption searches the images: recall of its own tile, and the share of hits of its class.",
                      rows,
                      r -> r.name().startsWith("t2i_")),
                  table(
                      "image_to_text",
                      "Image → text",
                      "Each tile's image searches the captions: recall of its own caption, and the share of hits of its class.",
                      rows,
                      r -> r.name().startsWith("i2t_")),
                  table(
                      "image_to_image",
                      "Image → image",
                      "Each tile searches the other slides' tiles: majority vote of the top 5 (mMV@5) and SISH's mAP@5.",
                      rows,
                      r -> r.name().startsWith("i2i_")),
                  table(
                      "metrics",
                      "Other metrics",
                      "",
                      rows,
                      r ->
                          !r.name().startsWith("t2i_")
                              && !r.name().startsWith("i2t_")
                              && !r.name().startsWith("i2i_"))));
      case EvalConfig.Segmentation s ->
          List.of(
              new EvalReport.MetricTable(
                  "metrics",
                  s.classifiers() == null
                      ? "Zero-shot segmentation"
                      : "Segmentation by saved classifiers",
                  "Per class, tiles in its mask ("
                      + s.rule()
                      + " of the tile's class probabilities) against tiles whose centre lies in"
                      + " the class's true region: Dice = 2TP / (2TP + FP + FN), IoU = TP / (TP +"
                      + " FP + FN), counts pooled over the slides; the macro means average the"
                      + " classes true or predicted somewhere; intervals resample slides.",
                  rows));
      case EvalConfig.Robustness r ->
          List.of(
              new EvalReport.MetricTable(
                  "metrics",
                  "Robustness to the medical center",
                  "robustness_index: per tile its k = "
                      + r.k()
                      + " nearest neighbours from other slides,"
                      + " ΣSO / (ΣSO + ΣOS) (1: biology wins); apd: mean of acc_s / acc_0 − 1 of linear probes trained with"
                      + " class and center confounded at level s (0: no shortcut), apd_accuracy@s: the probe's accuracy at"
                      + " level s; clustering_score: ARI(k-means, class) − ARI(k-means, center).",
                  rows));
    };
  }

  /**
   * A case retrieval level's section: the metrics over all queries with their macro means, then per
   * class.
   */
  private static List<EvalReport.MetricTable> caseTables(
      EvalConfig.Retrieval task, List<EvalReport.MetricRow> rows, CaseItems cases) {
    String level = task.level().label();
    String title =
        Character.toUpperCase(level.charAt(0))
            + level.substring(1)
            + " retrieval"
            + (task.fusion() == null ? "" : " (" + task.fusion() + " fusion)");
    String what =
        switch (task.level()) {
          case TILE -> "Each tile";
          case SLIDE -> "Each slide (the mean of its unit tile embeddings, renormalised)";
          case PATIENT ->
              task.fusion() == PatientFusion.EARLY
                  ? "Each patient (the mean of all its tiles' unit embeddings, renormalised)"
                  : "Each patient (the mean of its slides' embeddings, renormalised)";
        };
    String leftOut = cases == null ? "its own patient" : cases.leftOut();
    return nonEmpty(
        List.of(
            table(
                level + "_retrieval",
                title,
                what
                    + " searches the others, leaving out "
                    + leftOut
                    + ". acc@k: one of the top k has the query's class; mv@k: the query's class is"
                    + " (one of) the most frequent in the top k; map@k: precision at each hit of the"
                    + " query's class, summed and divided by k. _macro: the mean over classes.",
                rows,
                r -> !r.name().contains("/")),
            table(
                level + "_retrieval_per_class",
                title + " per class",
                "The same metrics over the queries of one class (metric/class).",
                rows,
                r -> r.name().contains("/")),
            table("metrics", "Other metrics", "", rows, r -> !r.name().startsWith(level + "_"))));
  }

  private static EvalReport.MetricTable table(
      String key,
      String title,
      String note,
      List<EvalReport.MetricRow> rows,
      Predicate<EvalReport.MetricRow> keep) {
    return new EvalReport.MetricTable(key, title, note, rows.stream().filter(keep).toList());
  }

  private static List<EvalReport.MetricTable> nonEmpty(List<EvalReport.MetricTable> tables) {
    return tables.stream().filter(t -> !t.rows().isEmpty()).toList();
  }
}
