package org.pathlens.index;

import java.util.Comparator;

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

  /**
   * The order of every ranking PathLens returns, exact or approximate: higher score first, equal
   * scores by id, so every run and every engine ranks ties the same.
   */
  public static final Comparator<SearchHit> RANKING =
      Comparator.comparingDouble((SearchHit h) -> -h.score()).thenComparing(SearchHit::id);

  public SearchHit(String id, float score) {
    this(id, score, null);
  }
}
