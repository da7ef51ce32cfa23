package org.pathlens.bench;

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
 * The vectors, queries, filters and exact answers of {@code bench index}. Tile i belongs to site
 * {@code s<i % 10>} and bucket {@code b<i % 100>}, so {@code site:s0} keeps 10 % of the tiles and
 * {@code bucket:b0} 1 %. Queries are fresh draws from the same clusters, not indexed vectors.
 * {@code vectorClusters[i]} and {@code queryClusters[q]} are the clusters they were drawn from.
 */
record IndexBenchData(
    float[][] vectors,
    int[] vectorClusters,
    float[][] queries,
    int[] queryClusters,
    int k,
    List<FilterCase> filters,
    List<int[][]> truth) {

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
          new FilterCase("1 %", 0.01, "bucket:b0", i -> i % 100 == 0));

  static String site(int i) {
    return "s" + (i % 10);
  }

  static String bucket(int i) {
    return "b" + (i % 100);
  }

  static IndexBenchData generate(int n, int dim, int queryCount, int clusters, int k, long seed) {
    ClusteredVectors source = new ClusteredVectors(clusters, dim, 1f, seed);
    int[] vectorClusters = new int[n];
    float[][] vectors = source.next(n, vectorClusters);
    int[] queryClusters = new int[queryCount];
    float[][] queries = source.next(queryCount, queryClusters);
    List<int[][]> truth =
        FILTERS.stream().map(filter -> exact(vectors, queries, k, filter)).toList();
    return new IndexBenchData(vectors, vectorClusters, queries, queryClusters, k, FILTERS, truth);
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
  double cosineShortfall(int f, List<List<Integer>> found) {
    double sum = 0;
    for (int q = 0; q < queries.length; q++) {
      int[] expected = truth.get(f)[q];
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
  double clusterPrecision(List<List<Integer>> found) {
    double sum = 0;
    for (int q = 0; q < queries.length; q++) {
      int same = 0;
      for (int id : found.get(q).subList(0, Math.min(k, found.get(q).size()))) {
        same += vectorClusters[id] == queryClusters[q] ? 1 : 0;
      }
      sum += same / (double) k;
    }
    return sum / queries.length;
  }

  /** Mean recall@k of {@code found} against the exact answers for filter number {@code f}. */
  double recall(int f, List<List<Integer>> found) {
    double sum = 0;
    for (int q = 0; q < queries.length; q++) {
      int[] expected = truth.get(f)[q];
      Set<Integer> hits = new HashSet<>(found.get(q));
      int matched = 0;
      for (int id : expected) {
        matched += hits.contains(id) ? 1 : 0;
      }
      sum += expected.length == 0 ? 1 : matched / (double) expected.length;
    }
    return sum / queries.length;
  }
}
