/**
 * The index contract: {@link TileIndex} (a document per tile: {@link TileRecord} with its
 * embedding; vector, caption and hybrid search under a {@link TileFilter}; similar slides; {@link
 * SlideRecords}), where an index lives ({@link IndexLocation}), what made its embeddings ({@link
 * IndexProvenance}: an index refuses tiles of another bundle, since two models' embeddings live in
 * unrelated spaces) and how it is built ({@link IndexSettings}). Backends live in their own
 * packages ({@code lucene}, {@code opensearch}) and are found through {@link TileIndexBackend};
 * what only some can do is an {@link IndexCapability}. {@link ExactSearch} is the brute-force
 * ground truth. Nothing here runs a model: tiles arrive embedded from {@code ingest}, queries are
 * embedded in {@code query}, and batch corrections are fitted in {@code batch}.
 */
package org.pathlens.index;
