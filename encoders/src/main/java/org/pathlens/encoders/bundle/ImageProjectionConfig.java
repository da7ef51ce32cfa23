package org.pathlens.encoders.bundle;

/**
 * {@code image.projection} of {@code model.json}: the bundle carries {@value
 * ModelBundle#IMAGE_PROJECTION_FILE}, the model's own map from its image features before the
 * projection into the text space (what TRIDENT and CLAM store for CONCH v1) to its image
 * embeddings.
 *
 * @param inputDim D_pre, the length of a pre-projection feature
 * @param from what the exporter traced it from, e.g. {@code visual.forward_project
 *     (proj_contrast)}; empty when not said
 */
public record ImageProjectionConfig(int inputDim, String from) {}
