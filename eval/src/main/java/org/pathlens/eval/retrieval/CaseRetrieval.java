package org.pathlens.eval.retrieval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.Retrieval;
import org.pathlens.index.ExactSearch;
import org.pathlens.index.SearchHit;

/**
 * Image→image case retrieval as the field reports it (Patho-Bench's RetrievalMixin, TITAN's TCGA-OT
 * table): every item queries all others by exact cosine search, leaving out the items of its own
 * patient (or, without patient ids, its own slide), and is scored by Acc@k, MV@k and mAP@k for each
 * cut-off k. Reported over all queries ({@code slide_acc@1}), as the macro mean of the per-class
 * means ({@code slide_acc@1_macro}) and per class ({@code slide_acc@1/TUM}), each with a bootstrap
 * interval that resamples patients (else slides, else queries).
 */
public final class CaseRetrieval {

  /** The metric families, in report order. */
  public static final List<String> METRICS = List.of("acc", "mv", "map");

  private CaseRetrieval() {}

  /**
   * Per-query scores of every metric and cut-off.
   *
   * @param names {@code acc@1, acc@3, ..., mv@1, ..., map@5}
   * @param scores per name, one score per item
   */
  public record Scores(List<String> names, List<double[]> scores) {}

  /** The metrics over all queries, then their macro means, then per class (classes in order). */
  public static List<MetricValue> run(CaseItems items, List<Integer> ks, Bootstrap bootstrap) {
    Scores scores = scores(items, ks);
    String prefix = items.level().label() + "_";
    String[] groups = groups(items);
    String[] labels = items.labels().toArray(String[]::new);
    List<MetricValue> out = new ArrayList<>();
    List<Bootstrap.Interval> overall = bootstrap.meanIntervals(scores.scores(), groups);
    for (int m = 0; m < scores.names().size(); m++) {
      out.add(new MetricValue(prefix + scores.names().get(m), overall.get(m)));
    }
    for (int m = 0; m < scores.names().size(); m++) {
      double[] perQuery = scores.scores().get(m);
      out.add(
          new MetricValue(
              prefix + scores.names().get(m) + "_macro",
              bootstrap.interval(
                  perQuery.length, groups, indices -> macroMean(perQuery, labels, indices))));
    }
    for (String label : new TreeSet<>(items.labels())) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i].equals(label)) {
          members.add(i);
        }
      }
      List<double[]> classScores = new ArrayList<>();
      for (double[] perQuery : scores.scores()) {
        classScores.add(members.stream().mapToDouble(i -> perQuery[i]).toArray());
      }
      String[] classGroups = members.stream().map(i -> groups[i]).toArray(String[]::new);
      List<Bootstrap.Interval> intervals = bootstrap.meanIntervals(classScores, classGroups);
      for (int m = 0; m < scores.names().size(); m++) {
        out.add(new MetricValue(prefix + scores.names().get(m) + "/" + label, intervals.get(m)));
      }
    }
    return List.copyOf(out);
  }

  /** Every query's Acc@k, MV@k and mAP@k for each k in {@code ks}. */
  public static Scores scores(CaseItems items, List<Integer> ks) {
    int most = ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
    int[][] rankings = rankings(items, most);
    String[] labels = items.labels().toArray(String[]::new);
    List<String> names = new ArrayList<>();
    List<double[]> scores = new ArrayList<>();
    for (String metric : METRICS) {
      for (int k : ks) {
        names.add(metric + "@" + k);
        scores.add(
            switch (metric) {
              case "acc" -> Retrieval.accuracyAtK(rankings, labels, labels, k);
              case "mv" -> Retrieval.majorityVoteWithTiesAtK(rankings, labels, labels, k);
              default -> Retrieval.averagePrecisionOverK(rankings, labels, labels, k);
            });
      }
    }
    return new Scores(names, scores);
  }

  /**
   * Each item's {@code k} nearest others by cosine (ties by id), leaving out its own patient's
   * items, or its own slide's without patient ids. Refused when some query has fewer than {@code k}
   * candidates left: its Acc@k would be scored over fewer hits than the others'.
   */
  public static int[][] rankings(CaseItems items, int k) {
    String[] groups = groups(items);
    Map<String, Integer> groupSizes = new HashMap<>();
    for (String g : groups) {
      groupSizes.merge(g, 1, Integer::sum);
    }
    ExactSearch search = new ExactSearch();
    Map<String, Integer> indexOf = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      search.add(items.ids().get(i), items.embeddings().get(i));
      if (indexOf.put(items.ids().get(i), i) != null) {
        throw new IllegalArgumentException(
            items.level() + " id " + items.ids().get(i) + " appears twice");
      }
    }
    int[][] out = new int[items.size()][];
    for (int q = 0; q < items.size(); q++) {
      String own = groups[q];
      int candidates = items.size() - groupSizes.get(own);
      if (candidates < k) {
        throw new IllegalArgumentException(
            "k = "
                + k
                + " needs "
                + k
                + " candidates per query, but "
                + items.level()
                + " "
                + items.ids().get(q)
                + " has "
                + candidates
                + " once "
                + items.leftOut()
                + " is left out; lower task.ks or evaluate more "
                + items.level()
                + "s");
      }
      List<SearchHit> hits = search.search(items.embeddings().get(q), k + groupSizes.get(own));
      out[q] =
          hits.stream()
              .mapToInt(h -> indexOf.get(h.id()))
              .filter(c -> !groups[c].equals(own))
              .limit(k)
              .toArray();
    }
    return out;
  }

  /** What a query leaves out and a bootstrap resamples: its patient, else its slide. */
  private static String[] groups(CaseItems items) {
    return (items.patientsKnown() ? items.patients() : items.slides()).toArray(String[]::new);
  }

  /** The mean over the classes present among {@code indices} of their mean scores. */
  private static double macroMean(double[] scores, String[] labels, int[] indices) {
    Map<String, double[]> sums = new TreeMap<>();
    for (int i : indices) {
      double[] sum = sums.computeIfAbsent(labels[i], l -> new double[2]);
      sum[0] += scores[i];
      sum[1]++;
    }
    double total = 0;
    for (double[] sum : sums.values()) {
      total += sum[0] / sum[1];
    }
    return sums.isEmpty() ? Double.NaN : total / sums.size();
  }
}
