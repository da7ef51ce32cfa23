/**
 * How much embeddings follow the medical center rather than the tissue, the PathoROB measures
 * beside the robustness index: {@link PerformanceDrop} (what a linear probe loses when the center
 * stands in for the class in its training set) and {@link ClusteringScore} (k-means clusters,
 * {@link KMeans}, compared with the classes and with the centers). {@link BatchCorrectedTiles}
 * gives evaluated tiles ComBat-corrected embeddings, so that a config measures what batch
 * correction does to its metrics. Splits and seeds are fixed, so a config gives the same numbers on
 * every run.
 */
package org.pathlens.eval.robustness;
