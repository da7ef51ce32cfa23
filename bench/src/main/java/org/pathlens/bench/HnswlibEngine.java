package org.pathlens.bench;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The comparator, never a product path: hnswlib-core (pure Java HNSW, all vectors on the heap). It
 * has no filtered search, so filters are applied afterwards to an enlarged result list of {@code
 * candidates / fraction} items, the usual workaround. hnswlib searches with {@code ef = max(ef,
 * k)}, so asking it for {@code candidates} results and keeping the first k is a search at {@code ef
 * = candidates}: one built graph serves every candidate count.
 */
final class HnswlibEngine implements VectorEngine {

  /**
   * A vector with its tile number; serialisable because hnswlib saves items with Java
   * serialisation.
   */
  record Vector(Integer id, float[] vector) implements Item<Integer, float[]> {
    @Override
    public int dimensions() {
      return vector.length;
    }
  }

  private final Path file;
  private final int m;
  private final int beamWidth;
  private final int threads;
  private HnswIndex<Integer, float[], Vector, Float> index;

  HnswlibEngine(Path file, int m, int beamWidth, int threads) {
    this.file = file;
    this.m = m;
    this.beamWidth = beamWidth;
    this.threads = threads;
  }

  @Override
  public String name() {
    return "hnswlib-core 1.2.1 (comparator)";
  }

  @Override
  public void build(IndexBenchData data) throws Exception {
    float[][] vectors = data.vectors();
    index =
        HnswIndex.newBuilder(
                vectors[0].length, DistanceFunctions.FLOAT_INNER_PRODUCT, vectors.length)
            .withM(m)
            .withEfConstruction(beamWidth)
            .withEf(1)
            .build();
    List<Vector> items = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      items.add(new Vector(i, vectors[i].clone())); // its own copy, as it would hold in a product
    }
    index.addAll(items, threads, (done, max) -> {}, Integer.MAX_VALUE);
    index.save(file);
  }

  @Override
  public List<Integer> search(
      float[] query, int k, int candidates, IndexBenchData.FilterCase filter) {
    int wanted = (int) Math.ceil(candidates / filter.fraction());
    List<Integer> hits = new ArrayList<>(k);
    for (SearchResult<Vector, Float> result : index.findNearest(query, wanted)) {
      if (filter.keep().test(result.item().id())) {
        hits.add(result.item().id());
        if (hits.size() == k) {
          break;
        }
      }
    }
    return hits;
  }

  @Override
  public long diskBytes() throws IOException {
    return Files.size(file);
  }

  @Override
  public void close() {
    index = null;
  }
}
