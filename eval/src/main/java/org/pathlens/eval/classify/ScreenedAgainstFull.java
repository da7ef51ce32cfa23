package org.pathlens.eval.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.PairedBootstrap;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.prompts.PromptEmbeddings;
import org.pathlens.prompts.PromptScreening;

/**
 * A prompt set screened without labels on the evaluated tiles ({@link PromptScreening}), against
 * its full ensemble on the same tiles: every classification metric of both with the paired
 * bootstrap of screened − full ({@link PairedBootstrap}, slides as units when the tiles have them),
 * as {@code eval compare} pairs two configs. {@code eval zeroshot --screen-prompts} prints it.
 *
 * @param screening what was kept and each variant's score
 * @param rows per metric: full (A), screened (B) and screened − full with its interval and p-value
 * @param bootstrap resamples, seed and level of the intervals
 */
public record ScreenedAgainstFull(
    PromptScreening screening, List<PairedBootstrap.Difference> rows, Bootstrap bootstrap) {

  /**
   * Screens {@code prompts} on {@code tiles}' embeddings (their labels unused) keeping {@code
   * share} of each class's variants, then compares with {@code full}, the full ensemble's
   * predictions of the same tiles in the same order.
   */
  public static ScreenedAgainstFull run(
      PromptEmbeddings prompts,
      EmbeddedTiles tiles,
      Predictions full,
      double logitScale,
      double share,
      Bootstrap bootstrap) {
    PromptScreening screening =
        PromptScreening.screen(prompts, tiles.embeddings(), logitScale, share);
    Predictions screened = tiles.predict(screening.classifier(logitScale));
    List<PairedBootstrap.Statistic> statistics = new ArrayList<>();
    for (Metric metric : Metric.values()) {
      statistics.add(PairedBootstrap.of(metric, full, screened));
    }
    return new ScreenedAgainstFull(
        screening,
        PairedBootstrap.differences(bootstrap, full.size(), full.groups(), statistics),
        bootstrap);
  }

  /** The kept prompts per class, then the metrics table. */
  public String toText() {
    StringBuilder out = new StringBuilder();
    screening.report().forEach(line -> out.append(line).append('\n'));
    out.append(
        String.format(
            Locale.ROOT,
            "%n%-18s %9s %9s %9s   %-22s %8s%n",
            "metric",
            "full",
            "screened",
            "diff",
            String.format(Locale.ROOT, "%.0f %% CI of diff", bootstrap.level() * 100),
            "p"));
    for (PairedBootstrap.Difference d : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-18s %9.4f %9.4f %+9.4f   [%+.4f, %+.4f]   %8.4f%n",
              d.name(),
              d.a().estimate(),
              d.b().estimate(),
              d.difference().estimate(),
              d.difference().lower(),
              d.difference().upper(),
              d.pValue()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "diff: screened - full, paired bootstrap of %d resamples (seed %d); ECE: lower is"
                + " better%n",
            bootstrap.resamples(),
            bootstrap.seed()));
    return out.toString();
  }
}
