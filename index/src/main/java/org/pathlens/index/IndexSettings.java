package org.pathlens.index;

/**
 * How a {@link TileIndex} builds and searches its HNSW graph.
 *
 * <p>{@code m}, {@code beamWidth} and {@code quantization} shape the graph and are fixed when an
 * index is created; reopening an index keeps its recorded values. The others apply per session.
 *
 * @param m the HNSW maximum connections per node (Lucene's {@code maxConn})
 * @param beamWidth the candidate list size while inserting a node ({@code efConstruction})
 * @param quantization how vectors are stored in the graph
 * @param oversample the graph search collects {@code ceil(k × oversample)} candidates (at least k),
 *     which are rescored with the full-precision vectors when quantized, then cut to k: a larger
 *     candidate list is HNSW's {@code ef}, trading latency for recall
 * @param mergeWorkers threads that build the HNSW graph of a merged segment concurrently (1 = on
 *     the merging thread)
 * @param commitSize tiles per commit in {@link TileIndex#add}: a crash loses at most the batch in
 *     flight
 * @param ramBufferMb the in-memory buffer before a segment is flushed
 * @param filteredSearchPercent filters keeping fewer than this percentage of the tiles use Lucene's
 *     filtered HNSW searcher (see {@code TileSearch#strategy}); 0 never, 100 always
 */
public record IndexSettings(
    int m,
    int beamWidth,
    Quantization quantization,
    float oversample,
    int mergeWorkers,
    int commitSize,
    double ramBufferMb,
    int filteredSearchPercent) {

  public IndexSettings {
    if (m < 2 || m > 512) {
      throw new IllegalArgumentException("HNSW m must be in [2, 512], got " + m);
    }
    if (beamWidth < 1 || beamWidth > 3200) {
      throw new IllegalArgumentException("HNSW beam width must be in [1, 3200], got " + beamWidth);
    }
    if (!(oversample >= 1)) {
      throw new IllegalArgumentException("oversample must be at least 1, got " + oversample);
    }
    if (mergeWorkers < 1) {
      throw new IllegalArgumentException("merge workers must be at least 1, got " + mergeWorkers);
    }
    if (commitSize < 1) {
      throw new IllegalArgumentException("commit size must be at least 1, got " + commitSize);
    }
    if (filteredSearchPercent < 0 || filteredSearchPercent > 100) {
      throw new IllegalArgumentException(
          "filtered search percent must be in [0, 100], got " + filteredSearchPercent);
    }
    if (!(ramBufferMb > 0)) {
      throw new IllegalArgumentException("RAM buffer must be positive, got " + ramBufferMb + " MB");
    }
  }

  /**
   * Lucene's filtered HNSW searcher stays off by default, by measurement: on clustered vectors with
   * ef 40 it lost recall where the plain filtered walk (which falls back to an exact search over
   * the matching tiles once it has visited more nodes than they number) kept it. {@code bench index
   * --n 50000 --dim 64 --queries 50 --skip-int4}: 1 % filter recall@10 0.46 at 6.8 ms p50 with
   * {@code --filtered-percent 5} against 1.00 at 0.9 ms with 0; 10 % filter at N=20k D=128: 0.91
   * with 60 against 1.00 with 0. At N=100k D=512 with 5: 1 % filter recall 0.47 (float) and 0.39
   * (int8). The strategy is still passed explicitly, so raising this is one setting. Remeasured on
   * Lucene 10.6 at N=100k D=512 ({@code --filtered-percent 0,20}, docs/index-benchmark.md): 1 %
   * filter recall 0.65 against 1.00 at ef 40; 10 % filter 0.98 against 1.00 (faster, though).
   */
  static final int FILTERED_SEARCH_PERCENT = 0;

  /**
   * M for new indexes: 32, twice Lucene's and hnswlib's 16, by measurement ({@code bench index},
   * 512-d vectors in 256 clusters, ef = 40; docs/tile-index.md). At 1M vectors M 16 reached
   * recall@10 0.55 (0.90 at ef 640) and M 32 0.72 (0.99 at ef 640; 0.93 at ef 160 in 1.2 ms, more
   * than M 16 at ef 640 in 1.9 ms), for a build 21 % longer and 1 % more disk. At 100k: 0.975
   * against 0.990, 0.43 against 0.57 ms. Pathology collections reach millions of tiles, where the
   * denser graph pays.
   */
  static final int DEFAULT_M = 32;

  /**
   * M {@value #DEFAULT_M} with Lucene's beam of 100, float vectors, 4× oversampling (ef = 40 for a
   * top 10: recall@10 0.99 at 100k clustered 512-d vectors, see {@code bench index}), one merge
   * worker per core, commits of 1000 tiles.
   */
  public static IndexSettings defaults() {
    return new IndexSettings(
        DEFAULT_M,
        100,
        Quantization.NONE,
        4f,
        Runtime.getRuntime().availableProcessors(),
        1000,
        64,
        FILTERED_SEARCH_PERCENT);
  }

  public IndexSettings withFilteredSearchPercent(int filteredSearchPercent) {
    return new IndexSettings(
        m,
        beamWidth,
        quantization,
        oversample,
        mergeWorkers,
        commitSize,
        ramBufferMb,
        filteredSearchPercent);
  }

  public IndexSettings withGraph(int m, int beamWidth) {
    return new IndexSettings(
        m,
        beamWidth,
        quantization,
        oversample,
        mergeWorkers,
        commitSize,
        ramBufferMb,
        filteredSearchPercent);
  }

  public IndexSettings withQuantization(Quantization quantization) {
    return new IndexSettings(
        m,
        beamWidth,
        quantization,
        oversample,
        mergeWorkers,
        commitSize,
        ramBufferMb,
        filteredSearchPercent);
  }

  public IndexSettings withOversample(float oversample) {
    return new IndexSettings(
        m,
        beamWidth,
        quantization,
        oversample,
        mergeWorkers,
        commitSize,
        ramBufferMb,
        filteredSearchPercent);
  }

  public IndexSettings withMergeWorkers(int mergeWorkers) {
    return new IndexSettings(
        m,
        beamWidth,
        quantization,
        oversample,
        mergeWorkers,
        commitSize,
        ramBufferMb,
        filteredSearchPercent);
  }

  public IndexSettings withCommitSize(int commitSize) {
    return new IndexSettings(
        m,
        beamWidth,
        quantization,
        oversample,
        mergeWorkers,
        commitSize,
        ramBufferMb,
        filteredSearchPercent);
  }

  public IndexSettings withRamBufferMb(double ramBufferMb) {
    return new IndexSettings(
        m,
        beamWidth,
        quantization,
        oversample,
        mergeWorkers,
        commitSize,
        ramBufferMb,
        filteredSearchPercent);
  }

  /** How many candidates the graph search collects for a top-{@code k}. */
  public int candidates(int k) {
    return Math.max(k, (int) Math.ceil(k * (double) oversample));
  }
}
