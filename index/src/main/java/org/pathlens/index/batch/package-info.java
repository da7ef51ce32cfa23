/**
 * Batch correction of an index's embeddings by center. {@link ComBat} fits a location/scale model
 * per batch, with or without empirical Bayes shrinkage, from {@link BatchStatistics} streamed over
 * the tiles; {@link BatchCorrection} holds and applies the parameters, and {@link
 * BatchCorrectionFile} stores them beside the Lucene files. {@link IndexBatchCorrection} is {@code
 * pathlens index batch-correct}: fit on the index's own raw embeddings, store, rewrite the vectors
 * searches use, or remove the correction. Why: models encode the medical center along with the
 * tissue, and ComBat without covariates needs no labels, which an ingest does not have. No model is
 * loaded, and query images and texts are never corrected.
 */
package org.pathlens.index.batch;
