package org.pathlens.eval.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.ConfusionMatrix;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.eval.metrics.Reliability;

/**
 * The parts of a report that only a classifier has: the confusion matrix (and per-class precision,
 * recall, F1 from it), the reliability bins with the ECE, and the accuracy per medical center.
 *
 * @param accuracy over every tile, with its interval (the reference line of the per-center plot)
 * @param ece the expected calibration error of {@code reliability} with its interval
 * @param centers per center in name order; empty when the tiles have no center
 */
public record ClassificationDetails(
    ConfusionMatrix confusion,
    Reliability reliability,
    Bootstrap.Interval accuracy,
    Bootstrap.Interval ece,
    List<CenterAccuracy> centers) {

  public ClassificationDetails {
    centers = List.copyOf(centers);
  }

  /** One center's accuracy; its interval resamples that center's slides (or tiles) only. */
  public record CenterAccuracy(String center, int tiles, Bootstrap.Interval accuracy) {}

  /**
   * @param centers per item of {@code p}, its center; null, or any null entry, leaves out the
   *     per-center accuracy (a labels CSV without a {@code site} column)
   */
  public static ClassificationDetails of(Predictions p, List<String> centers, Bootstrap bootstrap) {
    List<ToDoubleFunction<Predictions>> both = List.of(Metric::accuracy, Reliability::ece);
    List<Bootstrap.Interval> overall = bootstrap.intervals(p, both);
    List<CenterAccuracy> perCenter = new ArrayList<>();
    if (centers != null && centers.stream().noneMatch(Objects::isNull)) {
      if (centers.size() != p.size()) {
        throw new IllegalArgumentException(
            centers.size() + " centers for " + p.size() + " predictions");
      }
      Map<String, List<Integer>> byCenter = new TreeMap<>();
      for (int i = 0; i < centers.size(); i++) {
        byCenter.computeIfAbsent(centers.get(i), c -> new ArrayList<>()).add(i);
      }
      byCenter.forEach(
          (center, items) -> {
            Predictions ofCenter = p.select(items.stream().mapToInt(Integer::intValue).toArray());
            perCenter.add(
                new CenterAccuracy(
                    center, items.size(), bootstrap.interval(ofCenter, Metric::accuracy)));
          });
    }
    return new ClassificationDetails(
        ConfusionMatrix.of(p),
        Reliability.of(p, Reliability.DEFAULT_BINS),
        overall.get(0),
        overall.get(1),
        perCenter);
  }
}
