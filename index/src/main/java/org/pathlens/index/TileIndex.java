package org.pathlens.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.pathlens.index.batch.BatchCorrection;

/**
 * A tile index: a document per tile (metadata, caption, embedding in an HNSW graph) that records
 * which model bundle made its embeddings and refuses any other. Every backend keeps this contract
 * alike (the embedded Lucene index in a directory, the default, and an OpenSearch index on a
 * cluster); which one serves an index follows from where {@code --index} points ({@link
 * IndexLocation}, {@link TileIndexBackend}). What only some backends can do is declared as an
 * {@link IndexCapability}.
 *
 * <p>Rankings are {@link SearchHit#RANKING} on both: cosine first, ties by tile id.
 */
public interface TileIndex extends AutoCloseable {

  /** {@code location.open(provenance, settings)}: see {@link IndexLocation#open}. */
  static TileIndex open(IndexLocation location, IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return location.open(provenance, settings);
  }

  /** {@code location.openForSearch(...)}: see {@link IndexLocation#openForSearch}. */
  static TileIndex openForSearch(
      IndexLocation location, IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return location.openForSearch(provenance, settings);
  }

  /** The embedded index in {@code dir}: {@code open(IndexLocation.of(dir), ...)}. */
  static TileIndex open(Path dir, IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return open(IndexLocation.of(dir), provenance, settings);
  }

  /**
   * The embedded index in {@code dir}, for searching: {@code openForSearch(IndexLocation.of(dir),
   * ...)}.
   */
  static TileIndex openForSearch(Path dir, IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return openForSearch(IndexLocation.of(dir), provenance, settings);
  }

  /** Where the index is, as the user named it: a directory, or an OpenSearch index's URL. */
  IndexLocation location();

  IndexProvenance provenance();

  IndexSettings settings();

  /**
   * Adds tiles, replacing any with the same id. Embeddings must be unit vectors of the bundle's
   * dimension. When this returns, the tiles are durable and visible to searches.
   */
  default void add(List<TileRecord> tiles, List<float[]> embeddings) throws IOException {
    add(tiles, embeddings, null);
  }

  /**
   * As {@link #add(List, List)}, each tile with the feature it was imported as where that is not
   * its embedding ({@link TileFields#FEATURE}: a pre-projection feature), kept for export and given
   * back by {@link #forEachTile}.
   *
   * @param features one per tile, null for a tile without one; or null for none at all
   */
  void add(List<TileRecord> tiles, List<float[]> embeddings, List<float[]> features)
      throws IOException;

  /** The batch correction applied to this index's tiles, if any. */
  Optional<BatchCorrection> batchCorrection();

  /**
   * Replaces the index's batch correction ({@code null}: removes it), correcting every tile of a
   * batch it covers from its raw embedding; tiles of other batches stay raw. Needs {@link
   * IndexCapability#BATCH_CORRECTION}.
   *
   * @return where the correction's parameters are kept, for the user
   */
  default String setBatchCorrection(BatchCorrection correction) throws IOException {
    location().require(IndexCapability.BATCH_CORRECTION);
    throw new UnsupportedOperationException("batch correction declared but not built");
  }

  /**
   * This index for the reads of one request that accepts a partial answer ({@code --allow-partial},
   * {@code allow_partial=true}): a read that fewer shards answered than the index has (a node down,
   * a shard recovering) or that timed out is returned instead of refused, and noted in {@code
   * partial} so that the caller marks its answer partial. A read no shard answered is still
   * refused. The view reads only; writes go through the index itself, which never accepts a partial
   * read.
   *
   * <p>A backend whose every answer is whole (the embedded index) returns itself and notes nothing.
   */
  default TileIndex allowingPartial(PartialReads partial) {
    return this;
  }

  /** The records and thumbnails of this index's slides. */
  SlideRecords slideRecords();

  /**
   * The few-shot classifiers saved with this index ({@link SavedClassifier}). They are the user's
   * work, not tiles: an index opened for search only saves and deletes them too.
   */
  SavedClassifiers classifiers();

  /** The slides' embeddings, kept as documents beside the tiles ({@link SlidePooling}). */
  SlideVectors slideVectors();

  /**
   * Deletes this index with every tile and record in it, and closes it: for the throwaway indexes
   * of benchmarks and tests.
   */
  void drop() throws IOException;

  /** Removes every tile of a slide, metadata and vector alike; returns how many. */
  int deleteSlide(String slideId) throws IOException;

  /** Makes searches see writes made since (by another process or another client). */
  void refresh() throws IOException;

  /** Tiles in the index. */
  default int size() throws IOException {
    return count(TileFilter.ALL);
  }

  /**
   * The values of a metadata field with their tile counts, most tiles first (ties by value), at
   * most {@code limit}: what a filter can ask for.
   *
   * @throws IllegalArgumentException for a field that is not metadata
   */
  List<FacetValue> facet(String field, int limit) throws IOException;

  /**
   * The metadata columns beyond {@link TileFields#SCHEMA} that the index's tiles have (a manifest's
   * own columns, a slide's vendor), sorted: what filters and result cards offer beside the schema's
   * fields.
   */
  List<String> extraFields() throws IOException;

  /** Tiles that pass {@code filter}. */
  int count(TileFilter filter) throws IOException;

  /**
   * The {@code k} tiles nearest to {@code query} among those passing {@code filter}, best first.
   */
  List<SearchHit> search(float[] query, int k, TileFilter filter) throws IOException;

  /** As {@link #search} but the hits may carry ids and scores only, no records. */
  default List<SearchHit> searchIds(float[] query, int k, TileFilter filter) throws IOException {
    return searchIds(query, k, settings().candidates(k), filter);
  }

  /**
   * As {@link #searchIds(float[], int, TileFilter)} with the graph search's candidate list ({@code
   * ef}) given per call.
   */
  List<SearchHit> searchIds(float[] query, int k, int candidates, TileFilter filter)
      throws IOException;

  /** BM25 search over captions (Lucene query syntax; plain words are OR-ed), best first. */
  List<SearchHit> searchCaptions(String text, int k, TileFilter filter) throws IOException;

  /** Vector and caption rankings fused by reciprocal rank ({@link RankFusion}). */
  default List<SearchHit> searchHybrid(float[] query, String text, int k, TileFilter filter)
      throws IOException {
    int depth = Math.max(RankFusion.DEPTH, k);
    return RankFusion.fuse(
        List.of(search(query, depth, filter), searchCaptions(text, depth, filter)), k);
  }

  /** Slides ranked by similarity to {@code slideId}'s tiles (see {@link SlideSimilarity}). */
  default List<SlideHit> similarSlides(String slideId, int k) throws IOException {
    List<float[]> tiles = slideEmbeddings(slideId);
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException(
          "no tiles of slide '" + slideId + "' in index " + location());
    }
    return similarSlides(tiles, slideId, k);
  }

  /**
   * Slides ranked by similarity to the given tile embeddings, leaving out {@code excludeSlideId}
   * (or none).
   */
  default List<SlideHit> similarSlides(List<float[]> queryTiles, String excludeSlideId, int k)
      throws IOException {
    for (float[] tile : queryTiles) {
      EmbeddingChecks.check(provenance(), location(), "(query tile)", tile);
    }
    TileFilter others =
        excludeSlideId == null ? TileFilter.ALL : TileFilter.ALL.excludingSlide(excludeSlideId);
    return SlideSimilarity.DEFAULT.rank(
        queryTiles, k, (queries, n) -> nearestTiles(queries, n, others));
  }

  /**
   * The {@code n} nearest tiles of each query among those passing {@code filter}, in order: what
   * similar cases rank slides by. Each hit carries at least its slide id, and its score is the
   * cosine up to float rounding. Here one {@link #search} per query; a backend may batch them.
   */
  default List<List<SearchHit>> nearestTiles(List<float[]> queries, int n, TileFilter filter)
      throws IOException {
    List<List<SearchHit>> all = new ArrayList<>();
    for (float[] query : queries) {
      all.add(search(query, n, filter));
    }
    return all;
  }

  /** The embeddings of a slide's tiles, in tile id order. */
  default List<float[]> slideEmbeddings(String slideId) throws IOException {
    Map<String, float[]> byId = new TreeMap<>();
    forEachTile(TileFilter.slide(slideId), t -> byId.put(t.record().id(), t.embedding()));
    return new ArrayList<>(byId.values());
  }

  /**
   * Calls {@code action} with every tile passing {@code filter}, record and embedding, in no set
   * order. Streams: nothing is kept, so a whole index can be visited in little memory.
   */
  void forEachTile(TileFilter filter, Consumer<StoredTile> action) throws IOException;

  /**
   * As {@link #forEachTile}, with each tile's raw embedding (as encoded, before any batch
   * correction) instead of the vector searches see.
   */
  void forEachRawTile(TileFilter filter, Consumer<StoredTile> action) throws IOException;

  /** The stored record of a tile. */
  Optional<TileRecord> get(String id) throws IOException;

  /** The stored records of those of {@code ids} already in the index (absent ids left out). */
  Map<String, TileRecord> records(Collection<String> ids) throws IOException;

  /**
   * Merges the index to one segment per shard (one HNSW graph each: the fastest searches), and
   * makes it durable and visible. Needs an index opened for writing.
   */
  void forceMerge() throws IOException;

  /** Bytes the index takes on disk, one copy (a cluster's replicas not counted). */
  long sizeOnDisk() throws IOException;

  @Override
  void close() throws IOException;
}
