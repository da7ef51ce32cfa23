/**
 * {@link Pca}, the projection behind the 2-D maps of embeddings in evaluation reports:
 * deterministic, with no seed or parameters, and linear, so that distances along an axis mean
 * something. The eigendecomposition is EJML's, and the tests hold the result to numpy's SVD. UMAP
 * is not offered: the maintained JVM library that has it is GPL-3.0, and its picture depends on a
 * seed and two parameters.
 */
package org.pathlens.eval.projection;
