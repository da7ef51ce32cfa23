package org.pathlens.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.LuceneVectorization;
import org.pathlens.index.Quantization;
import org.pathlens.index.cluster.LocalCluster;

/**
 * Lucene HNSW (float, int8, int4, 1-bit BBQ) against hnswlib-core on random clustered unit vectors:
 * build time, size on disk, graph and searched-vector bytes, heap, single-thread latency,
 * multi-thread QPS, and recall@k (and recall at a deeper k), the cosine shortfall ({@link
 * IndexBenchData#cosineShortfall}) against exact brute force and the share of results from the
 * query's cluster ({@link IndexBenchData#clusterPrecision}), for image-like and text-like queries
 * ({@link ModalityGap}), unfiltered and with filters keeping 10 %, 1 % and 0.1 % of the vectors.
 * Each built index is searched at every oversample and every filtered-search threshold asked for,
 * so one build (tens of minutes at 1M vectors here) gives the whole recall/latency curve.
 */
public final class IndexBenchmark {

  /**
   * @param n vectors indexed
   * @param dim their dimension
   * @param k results per query
   * @param deepK a second, deeper top-k measured for recall only (0 or at most k: none)
   * @param queries query count (each measurement runs all of them)
   * @param m HNSW max connections
   * @param beamWidth HNSW construction beam
   * @param oversamples candidates per result, each measured (the search's ef is {@code k ×
   *     oversample})
   * @param clusters Gaussian clusters the vectors are drawn from
   * @param threads indexing, merging and QPS threads
   * @param commitSize Lucene tiles per commit
   * @param filteredPercents Lucene's filtered-search thresholds, see {@link
   *     IndexSettings#filteredSearchPercent()}: the first for every row, each further one for the
   *     filters it changes (those keeping less than it)
   * @param engines which engines run, in this order (see {@link Engine})
   * @param seed everything random follows from it
   * @param workDir where the indexes are written (removed afterwards)
   * @param cluster the OpenSearch cluster of the opensearch engines, or null to start {@code
   *     clusterNodes} local nodes (in {@code workDir}) for the run
   * @param clusterNodes nodes of a cluster started for the run
   */
  public record Options(
      int n,
      int dim,
      int k,
      int deepK,
      int queries,
      int m,
      int beamWidth,
      List<Float> oversamples,
      int clusters,
      int threads,
      int commitSize,
      List<Integer> filteredPercents,
      List<Engine> engines,
      long seed,
      Path workDir,
      URI cluster,
      int clusterNodes) {

    public Options {
      engines = List.copyOf(engines);
      oversamples = List.copyOf(oversamples);
      filteredPercents = List.copyOf(filteredPercents);
      if (filteredPercents.isEmpty() || filteredPercents.stream().anyMatch(p -> p < 0 || p > 100)) {
        throw new IllegalArgumentException(
            "--filtered-percent needs values in [0, 100], got " + filteredPercents);
      }
      if (engines.isEmpty()) {
        throw new IllegalArgumentException("no engine to benchmark");
      }
      if (oversamples.isEmpty() || oversamples.stream().anyMatch(x -> !(x >= 1))) {
        throw new IllegalArgumentException(
            "--oversample needs values of at least 1, got " + oversamples);
      }
    }

    /**
     * The graph search's candidate count (ef) for a top-k at {@code oversample}: the index's own
     * count.
     */
    int candidates(int top, float oversample) {
      return IndexSettings.defaults().withOversample(oversample).candidates(top);
    }
  }

  /**
   * The engines compared. At 1M vectors each build takes tens of minutes here, so a run may pick
   * some.
   */
  public enum Engine {
    FLOAT,
    INT8,
    INT4,
    /** One bit per dimension (Lucene 10.6's 1-bit scalar quantization), rescored. */
    BBQ,
    HNSWLIB,
    /** The cluster backend, float vectors: OpenSearch k-NN (Lucene engine), the same M and beam. */
    OPENSEARCH,
    /** The cluster backend with {@code encoder: sq} (int8), rescored from the stored floats. */
    OPENSEARCH_INT8
  }

  /**
   * The most selective filter measured by post-filtering (hnswlib): below 1 % it fetches over 100 ×
   * ef results per query (40,000 at ef 40 for 0.1 %), about a second a query at 10^5 vectors here,
   * and the 1 % rows already show where it stands (0.67 s a query at 10^6,
   * docs/index-benchmark.md).
   */
  static final double POST_FILTER_LEAST = 0.01;

  private final Options options;
  private final PrintWriter out;

  public IndexBenchmark(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  /**
   * One measured search setting.
   *
   * @param engine the engine's name as printed
   * @param searcher how filters run ({@link VectorEngine#searcher})
   * @param queries the query set: {@code image} or {@code text}
   * @param ef the graph candidates per search
   * @param filter {@code none}, {@code 10 %}, {@code 1 %} or {@code 0.1 %}
   * @param recall recall@k against brute force
   * @param deepRecall recall@deepK of a top-deepK search at the same oversample (NaN: not measured)
   * @param shortfall Δcos: the exact top k's mean cosine minus the found k's (0 when exact)
   * @param clusterPrecision the share of results from the query's own cluster (1 when exact)
   */
  public record Row(
      String engine,
      String searcher,
      String queries,
      int ef,
      String filter,
      double recall,
      double deepRecall,
      double shortfall,
      double clusterPrecision,
      double p50,
      double p99,
      double qps) {}

  /** Runs every engine, prints both tables and returns the search rows, engine by engine. */
  public List<Row> run(String command) throws Exception {
    out.printf(
        Locale.ROOT,
        "PathLens index benchmark: N=%d D=%d, %d queries, k=%d, %d clusters, M=%d beam=%d,"
            + " ef=k×%s, %d threads, %d cores, Java %s, Lucene vectors: %s%n",
        options.n(),
        options.dim(),
        options.queries(),
        options.k(),
        options.clusters(),
        options.m(),
        options.beamWidth(),
        oversamples(),
        options.threads(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version(),
        LuceneVectorization.implementation());
    out.println("command: " + command);
    long start = System.nanoTime();
    IndexBenchData data =
        IndexBenchData.generate(
            options.n(),
            options.dim(),
            options.queries(),
            options.clusters(),
            options.k(),
            deep() ? options.deepK() : options.k(),
            options.seed());
    out.printf(
        Locale.ROOT, "(data and exact answers: %.1f s)%n", (System.nanoTime() - start) / 1e9);
    IndexBenchData.QuerySet images = data.querySets().get(0);
    IndexBenchData.QuerySet texts = data.querySets().get(1);
    out.printf(
        Locale.ROOT,
        "(text queries: normalize(center + g·u + noise %.1f), g = %.3f for a modality gap of %.2f"
            + " (CLIP, Liang et al. 2022); measured gap %.3f; mean cosine of the exact top %d:"
            + " image queries %.3f, text queries %.3f)%n",
        ModalityGap.NOISE,
        ModalityGap.shift(ModalityGap.CLIP_GAP, ModalityGap.NOISE),
        ModalityGap.CLIP_GAP,
        ModalityGap.distanceOfMeans(data.vectors(), texts.queries()),
        options.k(),
        data.meanTopCosine(images),
        data.meanTopCosine(texts));
    List<String> builds = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    LocalCluster local = null;
    if (usesCluster() && options.cluster() == null) {
      long t0 = System.nanoTime();
      local =
          LocalCluster.start(
              options.workDir().resolve("cluster"),
              options.clusterNodes(),
              0,
              LocalCluster.DEFAULT_HEAP,
              Duration.ofMinutes(5));
      clusterEndpoint = local.endpoint();
      nodes = options.clusterNodes() + " local nodes";
      out.printf(
          Locale.ROOT,
          "(OpenSearch: %d local nodes of %s heap, each its own JVM, green in %.1f s)%n",
          options.clusterNodes(),
          LocalCluster.DEFAULT_HEAP,
          (System.nanoTime() - t0) / 1e9);
    } else if (usesCluster()) {
      clusterEndpoint = options.cluster();
      nodes = options.cluster().getHost();
    }
    try {
      measureEngines(data, builds, rows);
    } finally {
      if (local != null) {
        local.close();
      }
    }
    WorkFolders.delete(options.workDir());
    out.println();
    out.printf(
        Locale.ROOT,
        "%-47s %9s %11s %9s %9s %10s %9s%n",
        "build",
        "seconds",
        "vectors/s",
        "disk MB",
        "graph MB",
        "search MB",
        "heap MB");
    builds.forEach(out::println);
    out.println();
    out.printf(
        Locale.ROOT,
        "%-47s %-5s %-6s %5s %-6s %9s %10s %8s %9s %8s %8s %9s%n",
        "search",
        "query",
        "filter",
        "ef",
        "by",
        "recall@" + options.k(),
        deep() ? "recall@" + options.deepK() : "",
        "Δcos",
        "cluster %",
        "p50 ms",
        "p99 ms",
        "QPS x" + options.threads());
    rows.forEach(row -> out.println(format(row)));
    out.println(
        "(Δcos: mean cosine of the exact top "
            + options.k()
            + " minus that of the "
            + options.k()
            + " found, averaged over queries; 0 when exact. cluster %: the share of the results from the query's own"
            + " cluster, 100 when exact. by: how a filter runs: walk, Lucene's graph walk that only"
            + " collects matching tiles and turns exact when they are few; acorn, Lucene's filtered"
            + " HNSW searcher (--filtered-percent); post, filtering an enlarged result list; k-NN,"
            + " OpenSearch's)");
    out.println(
        "(heap: retained after build, after GC; hnswlib's includes its own copy of the vectors."
            + " Lucene searches return ids and scores, like hnswlib's; loading the stored metadata of the hits is extra."
            + " graph MB and search MB: the HNSW graph and the vectors it scores (the quantized ones where quantized),"
            + " in memory-mapped files, what must stay in the page cache; the floats that rescore are the rest of disk MB)");
    return List.copyOf(rows);
  }

  /** Builds and measures each engine in turn, printing each row as soon as it is known. */
  private void measureEngines(IndexBenchData data, List<String> builds, List<Row> rows)
      throws Exception {
    for (VectorEngine engine : engines()) {
      try (engine) {
        long heapBefore = usedHeap();
        long t0 = System.nanoTime();
        engine.build(data);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long heap = usedHeap() - heapBefore;
        builds.add(
            String.format(
                Locale.ROOT,
                "%-47s %9.1f %11.0f %9.1f %9s %10s %9.1f",
                engine.name(),
                seconds,
                options.n() / seconds,
                engine.diskBytes() / 1e6,
                megabytes(engine.graphBytes()),
                megabytes(engine.searchedVectorBytes()),
                heap / 1e6));
        out.println("built " + builds.getLast().trim().replaceAll(" +", " "));
        List<Integer> thresholds =
            engine instanceof LuceneEngine
                ? options.filteredPercents()
                : options.filteredPercents().subList(0, 1);
        for (int t = 0; t < thresholds.size(); t++) {
          if (t > 0) {
            engine.useFilteredSearchPercent(thresholds.get(t));
          }
          for (float oversample : options.oversamples()) {
            for (IndexBenchData.QuerySet set : data.querySets()) {
              for (int f = 0; f < data.filters().size(); f++) {
                IndexBenchData.FilterCase filter = data.filters().get(f);
                if (t > 0 && !(filter.fraction() * 100 < thresholds.get(t))) {
                  continue; // this threshold changes nothing for it: measured already
                }
                if (engine.searcher(filter).equals("post")
                    && filter.fraction() < POST_FILTER_LEAST) {
                  continue; // see POST_FILTER_LEAST
                }
                rows.add(measure(engine, data, set, f, oversample));
                // Each row as soon as it is known: a 1M run takes hours, and an interrupted one
                // keeps what it measured.
                out.println("measured " + format(rows.getLast()).trim().replaceAll(" +", " "));
              }
            }
          }
        }
      }
    }
  }

  private static String megabytes(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1e6);
  }

  private boolean deep() {
    return options.deepK() > options.k();
  }

  private static String format(Row row) {
    return String.format(
        Locale.ROOT,
        "%-47s %-5s %-6s %5d %-6s %9.4f %10s %8.5f %9.2f %8.3f %8.3f %9.0f",
        row.engine(),
        row.queries(),
        row.filter(),
        row.ef(),
        row.searcher(),
        row.recall(),
        Double.isNaN(row.deepRecall()) ? "" : String.format(Locale.ROOT, "%.4f", row.deepRecall()),
        row.shortfall(),
        100 * row.clusterPrecision(),
        row.p50(),
        row.p99(),
        row.qps());
  }

  /** The oversamples as given on the command line: {@code 4,8,16} (whole numbers without ".0"). */
  public String oversamples() {
    return String.join(
        ",",
        options.oversamples().stream()
            .map(x -> x == Math.rint(x) ? Integer.toString(x.intValue()) : x.toString())
            .toList());
  }

  /** The cluster the opensearch engines write to, once known ({@link #run}). */
  private URI clusterEndpoint;

  /** What the cluster is, for the engines' names: {@code 2 local nodes}. */
  private String nodes = "";

  private IndexLocation clusterIndex(String name) {
    return IndexLocation.parse(clusterEndpoint + "/" + name);
  }

  private boolean usesCluster() {
    return options.engines().contains(Engine.OPENSEARCH)
        || options.engines().contains(Engine.OPENSEARCH_INT8);
  }

  private List<VectorEngine> engines() {
    IndexSettings lucene =
        IndexSettings.defaults()
            .withGraph(options.m(), options.beamWidth())
            .withMergeWorkers(options.threads())
            .withCommitSize(options.commitSize())
            .withRamBufferMb(256)
            .withFilteredSearchPercent(options.filteredPercents().getFirst());
    List<VectorEngine> engines = new ArrayList<>();
    for (Engine engine : options.engines()) {
      engines.add(
          switch (engine) {
            case FLOAT ->
                new LuceneEngine(
                    "lucene hnsw float32",
                    options.workDir().resolve("float"),
                    lucene,
                    options.threads());
            case INT8 ->
                new LuceneEngine(
                    "lucene hnsw int8 + rescore",
                    options.workDir().resolve("int8"),
                    lucene.withQuantization(Quantization.INT8),
                    options.threads());
            case INT4 ->
                new LuceneEngine(
                    "lucene hnsw int4 + rescore",
                    options.workDir().resolve("int4"),
                    lucene.withQuantization(Quantization.INT4),
                    options.threads());
            case BBQ ->
                new LuceneEngine(
                    "lucene hnsw bbq (1 bit) + rescore",
                    options.workDir().resolve("bbq"),
                    lucene.withQuantization(Quantization.BBQ),
                    options.threads());
            case HNSWLIB ->
                new HnswlibEngine(
                    options.workDir().resolve("hnswlib.bin"),
                    options.m(),
                    options.beamWidth(),
                    options.threads());
            case OPENSEARCH ->
                new OpenSearchEngine(
                    "opensearch k-NN float32 (" + nodes + ")",
                    clusterIndex("pathlens-bench-float"),
                    lucene,
                    options.threads());
            case OPENSEARCH_INT8 ->
                new OpenSearchEngine(
                    "opensearch k-NN int8 + rescore (" + nodes + ")",
                    clusterIndex("pathlens-bench-int8"),
                    lucene.withQuantization(Quantization.INT8),
                    options.threads());
          });
    }
    return engines;
  }

  private Row measure(
      VectorEngine engine,
      IndexBenchData data,
      IndexBenchData.QuerySet set,
      int f,
      float oversample)
      throws Exception {
    IndexBenchData.FilterCase filter = data.filters().get(f);
    int candidates = options.candidates(options.k(), oversample);
    float[][] queries = set.queries();
    List<List<Integer>> found = new ArrayList<>();
    for (float[] query : queries) { // also the warm-up
      found.add(engine.search(query, options.k(), candidates, filter));
    }
    double[] millis = new double[queries.length];
    for (int q = 0; q < queries.length; q++) {
      long t0 = System.nanoTime();
      engine.search(queries[q], options.k(), candidates, filter);
      millis[q] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(millis);
    double deepRecall = Double.NaN;
    if (deep()) {
      int deepCandidates = options.candidates(options.deepK(), oversample);
      List<List<Integer>> deepFound = new ArrayList<>();
      for (float[] query : queries) {
        deepFound.add(engine.search(query, options.deepK(), deepCandidates, filter));
      }
      deepRecall = data.recall(set, f, deepFound, options.deepK());
    }
    return new Row(
        engine.name(),
        engine.searcher(filter),
        set.name(),
        candidates,
        filter.name(),
        data.recall(set, f, found, options.k()),
        deepRecall,
        data.cosineShortfall(set, f, found),
        data.clusterPrecision(set, found),
        percentile(millis, 0.5),
        percentile(millis, 0.99),
        qps(engine, queries, candidates, filter));
  }

  /** Queries per second with every thread running all queries. */
  private double qps(
      VectorEngine engine, float[][] queries, int candidates, IndexBenchData.FilterCase filter)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(options.threads());
    try {
      long t0 = System.nanoTime();
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < options.threads(); t++) {
        parts.add(
            pool.submit(
                () -> {
                  for (float[] query : queries) {
                    engine.search(query, options.k(), candidates, filter);
                  }
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
      return options.threads() * (double) queries.length / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  private static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
