package org.pathlens.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.Quantization;
import org.pathlens.index.TileIndex;

/**
 * The product path: {@link TileIndex} embedded (a directory: Lucene HNSW). Tiles are added by
 * {@code threads} writers at once (each builds the graph of its own segment), then merged to one
 * segment by the multi-threaded HNSW merge, which is what a finished ingest serves from.
 */
final class LuceneEngine extends TileIndexEngine {

  /** Lucene's HNSW graph file (the neighbour lists), per segment. */
  private static final String GRAPH = ".vex";

  /** The float32 vectors (Lucene99FlatVectorsFormat), read to rescore when quantized. */
  private static final String FLOATS = ".vec";

  /** The quantized vectors (Lucene104ScalarQuantizedVectorsFormat): int8, int4 or 1 bit. */
  private static final String QUANTIZED = ".veq";

  private final Path dir;
  private IndexSettings settings;

  LuceneEngine(String name, Path dir, IndexSettings settings, int threads) {
    super(name, threads);
    this.dir = dir;
    this.settings = settings;
  }

  @Override
  TileIndex open(IndexProvenance provenance) throws IOException {
    return IndexLocation.of(dir).open(provenance, settings);
  }

  /** One slice per writer: each builds the graph of its own segment. */
  @Override
  int slice(int tiles, int threads) {
    return (tiles + threads - 1) / threads;
  }

  @Override
  public String searcher(IndexBenchData.FilterCase filter) {
    if (filter.fraction() >= 1) {
      return "-";
    }
    return filter.fraction() * 100 < settings.filteredSearchPercent() ? "acorn" : "walk";
  }

  /**
   * Reopens the built index with another filtered-search threshold: it is a session setting, so one
   * build serves both strategies.
   */
  @Override
  public void useFilteredSearchPercent(int percent) throws IOException {
    settings = settings.withFilteredSearchPercent(percent);
    IndexProvenance provenance = index.provenance();
    index.close();
    index = open(provenance);
  }

  @Override
  public long graphBytes() throws IOException {
    return bytesOf(GRAPH);
  }

  @Override
  public long searchedVectorBytes() throws IOException {
    return bytesOf(settings.quantization() == Quantization.NONE ? FLOATS : QUANTIZED);
  }

  private long bytesOf(String extension) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(extension))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  @Override
  public void close() throws IOException {
    if (index != null) {
      index.close();
    }
  }
}
