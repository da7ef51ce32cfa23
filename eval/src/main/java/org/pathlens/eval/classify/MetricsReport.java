package org.pathlens.eval.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.ConfusionMatrix;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.Predictions;

/**
 * Every classification metric with its bootstrap interval, the confusion matrix and per-class
 * precision and recall, for one set of predictions.
 */
public record MetricsReport(
    List<Row> metrics,
    ConfusionMatrix confusion,
    int items,
    boolean groupedBootstrap,
    Bootstrap bootstrap) {

  public record Row(Metric metric, Bootstrap.Interval interval) {}

  public static MetricsReport of(Predictions p, Bootstrap bootstrap) {
    List<Metric> metrics = List.of(Metric.values());
    List<Bootstrap.Interval> intervals =
        bootstrap.intervals(
            p, metrics.stream().map(m -> (ToDoubleFunction<Predictions>) m::of).toList());
    List<Row> rows = new ArrayList<>();
    for (int m = 0; m < metrics.size(); m++) {
      rows.add(new Row(metrics.get(m), intervals.get(m)));
    }
    return new MetricsReport(
        List.copyOf(rows), ConfusionMatrix.of(p), p.size(), p.groups() != null, bootstrap);
  }

  public double value(Metric metric) {
    return metrics.stream()
        .filter(r -> r.metric() == metric)
        .findFirst()
        .orElseThrow()
        .interval()
        .estimate();
  }

  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-18s %7s   %s%n",
            "metric",
            "value",
            String.format(
                Locale.ROOT,
                "%.0f %% CI (bootstrap, %d resamples of %s, seed %d)",
                bootstrap.level() * 100,
                bootstrap.resamples(),
                groupedBootstrap ? "groups" : "tiles",
                bootstrap.seed())));
    for (Row row : metrics) {
      Bootstrap.Interval ci = row.interval();
      out.append(
          String.format(
              Locale.ROOT,
              "%-18s %7.4f   [%.4f, %.4f]%n",
              row.metric().label(),
              ci.estimate(),
              ci.lower(),
              ci.upper()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nper class%n%-8s %9s %9s %9s %8s%n",
            "class",
            "precision",
            "recall",
            "F1",
            "support"));
    for (int c = 0; c < confusion.classCount(); c++) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-8s %9.4f %9.4f %9.4f %8d%n",
              confusion.classIds().get(c),
              confusion.precision(c),
              confusion.recall(c),
              confusion.f1(c),
              confusion.support(c)));
    }
    out.append("\nconfusion matrix (rows: true class, columns: predicted)\n")
        .append(confusion.toText());
    return out.toString();
  }
}
