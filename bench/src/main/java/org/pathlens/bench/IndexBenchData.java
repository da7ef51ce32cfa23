package org.pathlens.bench;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.pathlens.encoders.Embeddings;
import org.pathlens.fixtures.synth.ClusteredVectors;
import org.pathlens.index.ExactSearch;
import org.pathlens.index.SearchHit;

/**
 * The vectors, query sets, filters and exact answers of {@code bench index}. Tile i belongs to site
 * {@code s<i % 10>}, bucket {@code b<i % 100>} and permille {@code m<i % 1000>}, so {@code site:s0}
 * keeps 10 % of the tiles, {@code bucket:b0} 1 % and {@code permille:m0} 0.1 %. Two query sets:
 * image queries, fresh draws from the same clusters (not indexed vectors), and text queries, the
 * clusters' centers across a modality gap ({@link ModalityGap}). {@code vectorClusters[i]} is the
 * cluster tile i was drawn from.
 *
 * @param depth how many exact answers each query has per filter (at least k): recall is measured at
 *     k and, where asked, deeper
 */
record IndexBenchData(
    float[][] vectors,
    int[] vectorClusters,
    List<QuerySet> querySets,
    int k,
    int depth,
    List<FilterCase> filters) {

  /**
   * @param name as printed: {@code image} or {@code text}
   * @param queries the query vectors
   * @param clusters the cluster each query belongs to
   * @param truth per filter, the exact top {@code depth} ids of each query
   */
  record QuerySet(String name, float[][] queries, int[] clusters, List<int[][]> truth) {}

  /**
   * @param name as printed
   * @param fraction the share of tiles it keeps
   * @param query the filter in PathLens's filter syntax
   * @param keep which tile numbers pass
   */
  record FilterCase(String name, double fraction, String query, IntPredicate keep) {}

  static final List<FilterCase> FILTERS =
      List.of(
          new FilterCase("none", 1, "", i -> true),
          new FilterCase("10 %", 0.1, "site:s0", i -> i % 10 == 0),
          new FilterCase("1 %", 0.01, "bucket:b0", i -> i % 100 == 0),
          new FilterCase("0.1 %", 0.001, "permille:m0", i -> i % 1000 == 0));

  static String site(int i) {
    return "s" + (i % 10);
  }

  static String bucket(int i) {
    return "b" + (i % 100);
  }

  static String permille(int i) {
    return "m" + (i % 1000);
  }

  static IndexBenchData generate(
      int n, int dim, int queryCount, int clusters, int k, int depth, long seed) {
    ClusteredVectors source = new ClusteredVectors(clusters, dim, 1f, seed);
    int[] vectorClusters = new int[n];
    float[][] vectors = source.next(n, vectorClusters);
    int[] imageClusters = new int[queryCount];
    float[][] images = source.next(queryCount, imageClusters);
    int[] textClusters = new int[queryCount];
    float[][] texts = ModalityGap.queries(source, queryCount, textClusters, seed + 1);
    int deepest = Math.max(k, depth);
    // Both sets in one exact pass per filter, then split.
    float[][] all = new float[2 * queryCount][];
    System.arraycopy(images, 0, all, 0, queryCount);
    System.arraycopy(texts, 0, all, queryCount, queryCount);
    List<int[][]> truth =
        FILTERS.stream().map(filter -> exact(vectors, all, deepest, filter)).toList();
    List<QuerySet> sets =
        List.of(
            new QuerySet("image", images, imageClusters, part(truth, 0, queryCount)),
            new QuerySet("text", texts, textClusters, part(truth, queryCount, 2 * queryCount)));
    return new IndexBenchData(vectors, vectorClusters, sets, k, deepest, FILTERS);
  }

  private static List<int[][]> part(List<int[][]> truth, int from, int to) {
    return truth.stream().map(answers -> Arrays.copyOfRange(answers, from, to)).toList();
  }

  /** The mean cosine of the queries' exact top k, unfiltered: how close their answers lie. */
  double meanTopCosine(QuerySet set) {
    double sum = 0;
    for (int q = 0; q < set.queries().length; q++) {
      int[] top = set.truth().getFirst()[q];
      for (int r = 0; r < Math.min(k, top.length); r++) {
        sum += Embeddings.dot(set.queries()[q], vectors[top[r]]) / Math.min(k, top.length);
      }
    }
    return sum / set.queries().length;
  }

  /** Exact top-k ids per query among the tiles passing {@code filter}. */
  private static int[][] exact(float[][] vectors, float[][] queries, int k, FilterCase filter) {
    ExactSearch exact = new ExactSearch();
    for (int i = 0; i < vectors.length; i++) {
      if (filter.keep().test(i)) {
        exact.add(Integer.toString(i), vectors[i]);
      }
    }
    int[][] answers = new int[queries.length][];
    IntStream.range(0, queries.length)
        .parallel()
        .forEach(
            q ->
                answers[q] =
                    exact.search(queries[q], k).stream()
                        .map(SearchHit::id)
                        .mapToInt(Integer::parseInt)
                        .toArray());
    return answers;
  }

  /**
   * How much closer the exact answers are than {@code found}: per query the mean cosine of the
   * exact top-k minus the mean cosine of the k found (a missing result counts as cosine 0),
   * averaged over queries. 0 for exact answers. Where many vectors are near-ties, recall can be low
   * while this stays small: the results missed are barely closer than the ones returned.
   */
  double cosineShortfall(QuerySet set, int f, List<List<Integer>> found) {
    float[][] queries = set.queries();
    double sum = 0;
    for (int q = 0; q < queries.length; q++) {
      int[] expected = top(set.truth().get(f)[q], k);
      if (expected.length == 0) {
        continue;
      }
      double exact = 0;
      for (int id : expected) {
        exact += Embeddings.dot(queries[q], vectors[id]);
      }
      double approximate = 0;
      for (int id : found.get(q).subList(0, Math.min(expected.length, found.get(q).size()))) {
        approximate += Embeddings.dot(queries[q], vectors[id]);
      }
      sum += (exact - approximate) / expected.length;
    }
    return sum / queries.length;
  }

  /**
   * The share of the k results per query drawn from the query's own cluster (a missing result
   * counts as another cluster's), averaged: precision@k with the cluster as the label, what a
   * pathologist sees as "the right tissue" when clusters stand for tissue classes. Exact answers
   * score 1 where a cluster's members are far closer than other clusters' (as at D = 512) and at
   * least k of them pass the filter (at 1M vectors a 1 % filter keeps about 39 per cluster).
   */
  double clusterPrecision(QuerySet set, List<List<Integer>> found) {
    double sum = 0;
    for (int q = 0; q < found.size(); q++) {
      int same = 0;
      for (int id : found.get(q).subList(0, Math.min(k, found.get(q).size()))) {
        same += vectorClusters[id] == set.clusters()[q] ? 1 : 0;
      }
      sum += same / (double) k;
    }
    return sum / found.size();
  }

  /**
   * Mean recall@{@code at} of {@code found} (each query's first {@code at} results) against the
   * exact answers for filter number {@code f}.
   */
  double recall(QuerySet set, int f, List<List<Integer>> found, int at) {
    if (at > depth) {
      throw new IllegalArgumentException("exact answers go " + depth + " deep, not " + at);
    }
    double sum = 0;
    for (int q = 0; q < found.size(); q++) {
      int[] expected = top(set.truth().get(f)[q], at);
      Set<Integer> hits = new HashSet<>(found.get(q).subList(0, Math.min(at, found.get(q).size())));
      int matched = 0;
      for (int id : expected) {
        matched += hits.contains(id) ? 1 : 0;
      }
      sum += expected.length == 0 ? 1 : matched / (double) expected.length;
    }
    return sum / found.size();
  }

  private static int[] top(int[] ranked, int n) {
    return ranked.length <= n ? ranked : Arrays.copyOf(ranked, n);
  }
}
