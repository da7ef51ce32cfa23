package org.pathlens.eval.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pathlens.eval.classify.FewShotEvaluation;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.classify.MetricsReport;
import org.pathlens.eval.classify.PromptAblation;
import org.pathlens.eval.classify.ZeroShotEvaluation;
import org.pathlens.eval.metrics.Bootstrap;

/**
 * The report of {@code pathlens eval zeroshot}: a prompt set's metrics (nothing expected, so no
 * verdicts), the classification figures, the prompt ablation and the few-shot comparison.
 */
public final class ZeroShotReports {

  private ZeroShotReports() {}

  public static EvalReport of(ZeroShotEvaluation.Report r, String commandLine) {
    MetricsReport metrics = r.zeroShot();
    Bootstrap bootstrap = metrics.bootstrap();
    List<EvalReport.Setting> settings =
        List.of(
            new EvalReport.Setting("model", "model", r.model()),
            new EvalReport.Setting("bundle_hash", "bundle content hash", r.bundleHash()),
            new EvalReport.Setting("prompt_set", "prompt set", r.prompts().name()),
            new EvalReport.Setting(
                "prompt_set_hash", "prompt set content hash", r.prompts().contentHash()),
            new EvalReport.Setting("labels", "labels", r.labels().toString()),
            new EvalReport.Setting("tiles", "tiles", Integer.toString(r.tiles())),
            new EvalReport.Setting(
                "bootstrap",
                "bootstrap",
                String.format(
                    Locale.ROOT,
                    "%d resamples, seed %d, %.0f %% intervals",
                    bootstrap.resamples(),
                    bootstrap.seed(),
                    bootstrap.level() * 100)),
            new EvalReport.Setting("command_line", "command line", commandLine));
    List<EvalReport.MetricRow> rows =
        metrics.metrics().stream()
            .map(
                m ->
                    new EvalReport.MetricRow(
                        m.metric().name().toLowerCase(Locale.ROOT),
                        m.interval(),
                        Double.NaN,
                        Double.NaN,
                        null))
            .toList();
    EvalReport.MetricTable table =
        new EvalReport.MetricTable(
            "metrics",
            "Metrics",
            "Zero-shot classification with the prompt set; ece is the expected calibration error (lower is better).",
            rows);
    List<EvalReport.Table> tables = new ArrayList<>();
    if (r.ablation() != null) {
      PromptAblation a = r.ablation();
      String note =
          String.format(
              Locale.ROOT,
              "Accuracy with every prompt %.4f; effect = that minus the accuracy without the prompt (> 0: the prompt helps).",
              a.baseline());
      if (!a.templates().isEmpty()) {
        tables.add(
            ablationTable(
                "ablation_templates",
                "Prompt ablation: templates",
                note,
                "template left out",
                a.templates()));
      }
      if (!a.synonyms().isEmpty()) {
        tables.add(
            ablationTable(
                "ablation_synonyms",
                "Prompt ablation: synonyms",
                note,
                "synonym left out",
                a.synonyms()));
      }
    }
    if (r.fewShot() != null) {
      FewShotEvaluation f = r.fewShot();
      List<List<Object>> fewShotRows = new ArrayList<>();
      for (FewShotEvaluation.Row row : f.rows()) {
        fewShotRows.add(
            List.of(
                row.method(),
                row.shots(),
                row.meanAccuracy(),
                row.minAccuracy(),
                row.maxAccuracy(),
                row.meanBalancedAccuracy()));
      }
      tables.add(
          new EvalReport.Table(
              "few_shot",
              "Few-shot classifiers against the prompts",
              String.format(
                  Locale.ROOT,
                  "%d test tiles; %d draws of the training tiles per N (seed %d); N = 0 is zero-shot.",
                  f.testSize(),
                  f.repeats(),
                  f.seed()),
              List.of("method", "N", "accuracy (mean)", "min", "max", "balanced accuracy (mean)"),
              fewShotRows));
    }
    ClassificationDetails classification =
        ClassificationDetails.of(
            r.predictions(),
            r.embedded().tiles().stream().map(LabelledTiles.Tile::site).toList(),
            bootstrap);
    return new EvalReport(
        "Zero-shot: " + r.prompts().name(),
        settings,
        List.of(table),
        tables,
        classification,
        EmbeddingMap.pca(r.embedded()),
        bootstrap,
        metrics.groupedBootstrap() ? "slide" : "tile");
  }

  private static EvalReport.Table ablationTable(
      String key, String title, String note, String what, List<PromptAblation.Row> rows) {
    List<List<Object>> cells = new ArrayList<>();
    for (PromptAblation.Row row : rows) {
      cells.add(List.of(row.left(), row.accuracy(), row.effect()));
    }
    return new EvalReport.Table(
        key, title, note, List.of(what, "accuracy without it", "effect"), cells);
  }
}
