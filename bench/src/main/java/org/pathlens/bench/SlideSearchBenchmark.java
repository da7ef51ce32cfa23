package org.pathlens.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.pathlens.encoders.Embeddings;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideEmbeddings;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * Slide-level search, measured beside what it replaces: generated slides (each a random unit
 * direction, its tiles that direction plus noise) ingested as tiles of an embedded index; their
 * mean vectors stored ({@link SlidePooling}); then, per query slide, the stored vectors searched
 * exactly, the means made from the tiles on the fly as {@code similar --rank-by embedding} did
 * before (one pass over the tiles per query), and, for scale, a tile-level HNSW search of one tile.
 * Prints p50 and p99 latency of each.
 */
public final class SlideSearchBenchmark {

  private SlideSearchBenchmark() {}

  public static void run(
      int slides, int tilesPerSlide, int dimension, int queries, Path work, PrintWriter out)
      throws IOException {
    Random random = new Random(31);
    try (TileIndex index =
        TileIndex.open(
            work.resolve("index"),
            new IndexProvenance("bench-slides", "0".repeat(64), dimension),
            IndexSettings.defaults())) {
      long t0 = System.nanoTime();
      List<TileRecord> tiles = new ArrayList<>();
      List<float[]> embeddings = new ArrayList<>();
      for (int s = 0; s < slides; s++) {
        float[] centre = gaussian(random, dimension, 1);
        String slide = "S-" + s;
        for (int t = 0; t < tilesPerSlide; t++) {
          float[] v = gaussian(random, dimension, 0.8);
          for (int d = 0; d < dimension; d++) {
            v[d] += centre[d];
          }
          tiles.add(
              TileRecord.of(
                  Map.of(
                      TileFields.ID,
                      TileIds.ofPosition(slide, t * 224, 0),
                      TileFields.SLIDE_ID,
                      slide,
                      TileFields.PATIENT_ID,
                      "P-" + s / 2,
                      TileFields.X,
                      t * 224,
                      TileFields.Y,
                      0),
                  Map.of()));
          embeddings.add(Embeddings.l2Normalize(v));
        }
        if (tiles.size() >= 10_000 || s == slides - 1) {
          index.add(tiles, embeddings);
          tiles.clear();
          embeddings.clear();
        }
      }
      double ingestSeconds = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      index.slideVectors().write(SlidePooling.mean(index, TileFilter.ALL));
      double poolSeconds = (System.nanoTime() - t1) / 1e9;

      Map<String, double[]> millis = new HashMap<>();
      int onTheFly = Math.max(1, Math.min(queries, 5)); // a pass over every tile per query
      for (int q = 0; q < queries; q++) {
        String slide = "S-" + random.nextInt(slides);
        float[] query =
            index.slideVectors().find(slide, SlidePooling.MEAN).orElseThrow().embedding();
        long a = System.nanoTime();
        index.slideVectors().search(query, SlidePooling.MEAN, 10, Map.of(), slide, null);
        record(millis, "stored slide vectors, exact", q, queries, (System.nanoTime() - a) / 1e6);
        long b = System.nanoTime();
        index.search(query, 10, TileFilter.ALL);
        record(millis, "tiles, HNSW (one tile's query)", q, queries, (System.nanoTime() - b) / 1e6);
        if (q < onTheFly) {
          long c = System.nanoTime();
          SlideEmbeddings.of(index).rank(query, slide, 10);
          record(
              millis,
              "means made from the tiles per query",
              q,
              onTheFly,
              (System.nanoTime() - c) / 1e6);
        }
      }
      out.printf(
          Locale.ROOT,
          "%d slides x %d tiles (D = %d): tiles indexed in %.1f s, slide vectors made and stored in %.1f s%n",
          slides,
          tilesPerSlide,
          dimension,
          ingestSeconds,
          poolSeconds);
      out.printf(
          Locale.ROOT, "%-40s %8s %10s %10s%n", "search (top 10)", "queries", "p50 ms", "p99 ms");
      for (String what :
          List.of(
              "stored slide vectors, exact",
              "means made from the tiles per query",
              "tiles, HNSW (one tile's query)")) {
        double[] ms = millis.get(what);
        Arrays.sort(ms);
        out.printf(
            Locale.ROOT,
            "%-40s %8d %10.2f %10.2f%n",
            what,
            ms.length,
            ms[ms.length / 2],
            ms[Math.min(ms.length - 1, (int) Math.ceil(ms.length * 0.99) - 1)]);
      }
      out.flush();
    }
  }

  private static void record(Map<String, double[]> all, String what, int i, int n, double ms) {
    all.computeIfAbsent(what, w -> new double[n])[i] = ms;
  }

  private static float[] gaussian(Random random, int dimension, double sigma) {
    float[] v = new float[dimension];
    for (int d = 0; d < dimension; d++) {
      v[d] = (float) (random.nextGaussian() * sigma);
    }
    return v;
  }
}
