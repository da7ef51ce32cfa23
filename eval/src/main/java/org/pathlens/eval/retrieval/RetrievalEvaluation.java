package org.pathlens.eval.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.Retrieval;
import org.pathlens.index.ExactSearch;
import org.pathlens.index.SearchHit;

/**
 * Retrieval quality of embedded, captioned tiles with exact cosine search: text→image and
 * image→text Recall@1/5/10 over the tile/caption pairs with label precision beside them, and
 * image→image mMV@5 and mAP@5 with the query's own slide left out of the candidates (its other
 * tiles are near copies and would make every model look good). Bootstrap intervals resample slides.
 */
public final class RetrievalEvaluation {

  /** Recall and label-precision cut-offs for the cross-modal directions. */
  public static final int[] CROSS_MODAL_KS = {1, 5, 10};

  /** The image→image cut-off SISH and RetCCL report. */
  public static final int IMAGE_K = 5;

  /**
   * The tiles to evaluate, in a fixed order.
   *
   * @param ids tile ids (ties in a ranking are broken by them)
   * @param images unit image embeddings
   * @param captions unit caption embeddings, {@code null} for a tile without a caption (left out of
   *     the cross-modal directions)
   * @param labels classes
   * @param slides slides: the unit of the bootstrap and what image→image leaves out
   */
  public record Items(
      List<String> ids,
      List<float[]> images,
      List<float[]> captions,
      List<String> labels,
      List<String> slides) {
    public Items {
      int n = ids.size();
      if (images.size() != n || captions.size() != n || labels.size() != n || slides.size() != n) {
        throw new IllegalArgumentException(
            "ids, images, captions, labels and slides need one entry per tile");
      }
    }
  }

  private RetrievalEvaluation() {}

  /**
   * The per-query scores behind the metrics of one set of queries: the cross-modal metrics score
   * the captioned tiles, image→image every tile. A metric is the mean of its scores.
   *
   * @param queries the query tiles, as indices into {@link Items}
   * @param names the metrics
   * @param scores per metric, one score per query
   */
  public record QueryScores(List<Integer> queries, List<String> names, List<double[]> scores) {
    public QueryScores {
      queries = List.copyOf(queries);
      names = List.copyOf(names);
      scores = List.copyOf(scores);
      if (names.size() != scores.size()) {
        throw new IllegalArgumentException(
            names.size() + " metric names for " + scores.size() + " score lists");
      }
    }
  }

  public static List<MetricValue> run(Items items, Bootstrap bootstrap) {
    List<MetricValue> out = new ArrayList<>();
    for (QueryScores set : scores(items)) {
      String[] groups = set.queries().stream().map(items.slides()::get).toArray(String[]::new);
      out.addAll(named(set.names(), bootstrap.meanIntervals(set.scores(), groups)));
    }
    return List.copyOf(out);
  }

  /**
   * Every metric's per-query scores: the cross-modal set (when some tile has a caption), then
   * image→image.
   */
  public static List<QueryScores> scores(Items items) {
    int n = items.ids().size();
    String[] labels = items.labels().toArray(String[]::new);
    String[] slides = items.slides().toArray(String[]::new);
    List<Integer> captioned = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (items.captions().get(i) != null) {
        captioned.add(i);
      }
    }
    List<QueryScores> out = new ArrayList<>();
    if (!captioned.isEmpty()) {
      int most = CROSS_MODAL_KS[CROSS_MODAL_KS.length - 1];
      String[] pairLabels = captioned.stream().map(i -> labels[i]).toArray(String[]::new);
      // text→image: each caption finds its own tile among all images.
      int[][] t2i = new int[captioned.size()][];
      int[] t2iTargets = new int[captioned.size()];
      Ranker images = new Ranker(items.ids(), items.images(), allIndices(n));
      for (int q = 0; q < captioned.size(); q++) {
        t2i[q] = images.rank(items.captions().get(captioned.get(q)), most);
        t2iTargets[q] = captioned.get(q);
      }
      // image→text: each captioned tile's image finds its own caption among all captions.
      int[][] i2t = new int[captioned.size()][];
      Ranker captions = new Ranker(items.ids(), items.captions(), captioned);
      for (int q = 0; q < captioned.size(); q++) {
        i2t[q] = captions.rank(items.images().get(captioned.get(q)), most);
      }
      List<String> names = new ArrayList<>();
      List<double[]> scores = new ArrayList<>();
      for (int k : CROSS_MODAL_KS) {
        names.add("t2i_recall@" + k);
        scores.add(Retrieval.recallAtK(t2i, t2iTargets, k));
      }
      for (int k : CROSS_MODAL_KS) {
        names.add("i2t_recall@" + k);
        scores.add(Retrieval.recallAtK(i2t, t2iTargets, k));
      }
      for (int k : CROSS_MODAL_KS) {
        names.add("t2i_label_precision@" + k);
        scores.add(Retrieval.labelPrecisionAtK(t2i, pairLabels, labels, k));
      }
      for (int k : CROSS_MODAL_KS) {
        names.add("i2t_label_precision@" + k);
        scores.add(Retrieval.labelPrecisionAtK(i2t, pairLabels, labels, k));
      }
      out.add(new QueryScores(captioned, names, scores));
    }
    out.add(imageToImage(items, labels, slides));
    return List.copyOf(out);
  }

  private static QueryScores imageToImage(Items items, String[] labels, String[] slides) {
    int n = labels.length;
    Map<String, Integer> slideSizes = new HashMap<>();
    for (String s : slides) {
      slideSizes.merge(s, 1, Integer::sum);
    }
    Ranker images = new Ranker(items.ids(), items.images(), allIndices(n));
    int[][] rankings = new int[n][];
    for (int q = 0; q < n; q++) {
      // Ask for enough hits that IMAGE_K remain once the query's own slide is dropped.
      int[] ranked = images.rank(items.images().get(q), IMAGE_K + slideSizes.get(slides[q]));
      String own = slides[q];
      rankings[q] =
          Arrays.stream(ranked).filter(c -> !slides[c].equals(own)).limit(IMAGE_K).toArray();
    }
    List<double[]> scores =
        List.of(
            Retrieval.majorityVoteAtK(rankings, labels, labels, IMAGE_K),
            Retrieval.averagePrecisionAtK(rankings, labels, labels, IMAGE_K));
    return new QueryScores(
        allIndices(n), List.of("i2i_mmv@" + IMAGE_K, "i2i_map@" + IMAGE_K), scores);
  }

  private static List<MetricValue> named(List<String> names, List<Bootstrap.Interval> intervals) {
    List<MetricValue> out = new ArrayList<>();
    for (int m = 0; m < names.size(); m++) {
      out.add(new MetricValue(names.get(m), intervals.get(m)));
    }
    return out;
  }

  private static List<Integer> allIndices(int n) {
    List<Integer> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return all;
  }

  /** Exact search over a subset of the tiles' vectors, answering with tile indices. */
  private static final class Ranker {
    private final ExactSearch search = new ExactSearch();
    private final Map<String, Integer> indexOf = new HashMap<>();

    Ranker(List<String> ids, List<float[]> vectors, List<Integer> subset) {
      for (int i : subset) {
        search.add(ids.get(i), vectors.get(i));
        if (indexOf.put(ids.get(i), i) != null) {
          throw new IllegalArgumentException("tile id " + ids.get(i) + " appears twice");
        }
      }
    }

    int[] rank(float[] query, int k) {
      List<SearchHit> hits = search.search(query, k);
      return hits.stream().mapToInt(h -> indexOf.get(h.id())).toArray();
    }
  }
}
