/**
 * The tile index: {@link TileIndex} keeps a Lucene index in one directory, a document per tile
 * ({@link TileRecord}: id, metadata, caption, level-0 position) with its embedding in an HNSW
 * graph, stored as floats or quantized to int8 or int4 and rescored exactly ({@link IndexSettings},
 * {@link Quantization}). It searches by vector, by caption (BM25) and both fused by reciprocal
 * rank, under a {@link TileFilter} in Lucene's query syntax, and ranks similar slides ({@link
 * SlideSimilarity}, {@link SlideEmbeddings}); {@link ExactSearch} is the brute-force ground truth.
 * {@link IndexProvenance} records the bundle and stain handling that made the embeddings, and the
 * index refuses tiles made otherwise, since two models' embeddings live in unrelated spaces. Lucene
 * stays in this package and nothing here runs a model: tiles arrive embedded from {@code ingest},
 * queries are embedded in {@code query}, and batch corrections are fitted in {@code batch}.
 */
package org.pathlens.index;
