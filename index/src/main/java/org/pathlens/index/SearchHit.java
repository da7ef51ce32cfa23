package org.pathlens.index;

/**
 * One search result.
 *
 * @param id the tile id
 * @param score cosine similarity to the query (embeddings are unit norm)
 */
public record SearchHit(String id, float score) {}
