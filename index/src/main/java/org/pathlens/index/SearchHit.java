package org.pathlens.index;

/**
 * One search result.
 *
 * @param id the tile id
 * @param score cosine similarity to the query for vector search (embeddings are unit norm); BM25
 *     for caption search; the fused score for hybrid search
 * @param tile the tile's stored record, or null where the searcher knows only ids ({@link
 *     ExactSearch})
 */
public record SearchHit(String id, float score, TileRecord tile) {

  public SearchHit(String id, float score) {
    this(id, score, null);
  }
}
