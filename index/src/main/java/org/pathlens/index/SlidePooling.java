package org.pathlens.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pathlens.encoders.Embeddings;

/**
 * Slide vectors from an index's tiles, by the {@link #MEAN} method: the mean of a slide's unit tile
 * embeddings, normalised again (the baseline slide embedding of the field: Patho-Bench's and
 * TRIDENT's "mean" slide encoder), with the keyword metadata all its tiles share. One pass over the
 * index; tiles without a slide id are left out.
 */
public final class SlidePooling {

  /** The method name recorded with the vectors. */
  public static final String MEAN = "mean";

  private SlidePooling() {}

  /** The mean vector of every slide of {@code index} (of the slides in {@code filter}). */
  public static List<SlideVector> mean(TileIndex index, TileFilter filter) throws IOException {
    Map<String, Pool> pools = new TreeMap<>();
    index.forEachTile(
        filter,
        tile -> {
          String slide = tile.record().slideId();
          if (slide != null) {
            pools.computeIfAbsent(slide, s -> new Pool(tile.embedding().length)).add(tile);
          }
        });
    List<SlideVector> vectors = new ArrayList<>();
    pools.forEach((slide, pool) -> vectors.add(pool.vector(slide)));
    return vectors;
  }

  /** One slide's running sum and shared metadata. */
  private static final class Pool {
    private final double[] sum;
    private Map<String, String> shared;
    private int tiles;

    Pool(int dimension) {
      sum = new double[dimension];
    }

    void add(StoredTile tile) {
      float[] e = tile.embedding();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += e[i];
      }
      Map<String, String> metadata = metadata(tile.record());
      if (shared == null) {
        shared = metadata;
      } else {
        shared.entrySet().removeIf(f -> !f.getValue().equals(metadata.get(f.getKey())));
      }
      tiles++;
    }

    SlideVector vector(String slide) {
      float[] mean = new float[sum.length];
      for (int i = 0; i < mean.length; i++) {
        mean[i] = (float) (sum[i] / tiles);
      }
      return new SlideVector(slide, MEAN, Embeddings.l2Normalize(mean), tiles, shared);
    }
  }

  /** A tile's keyword metadata: the faceted built-in fields and the manifest's extra columns. */
  private static Map<String, String> metadata(TileRecord tile) {
    Map<String, String> values = new HashMap<>(tile.extra());
    for (TileFields.Field field : TileFields.SCHEMA) {
      if (field.faceted() && !field.name().equals(TileFields.SLIDE_ID)) {
        Object value = field.value().apply(tile);
        if (value != null) {
          values.put(field.name(), value.toString());
        }
      }
    }
    return values;
  }
}
