package org.pathlens.encoders.bundle;

/**
 * The parsed {@code model.json} of a model bundle.
 *
 * @param name model name, recorded in indexes built with it
 * @param embeddingDim dimension D of the joint embedding space
 * @param logitScale the exponentiated temperature (e.g. 100.0) multiplying cosine similarities
 * @param image image preprocessing
 * @param text text tokenisation
 */
public record ModelConfig(
    String name, int embeddingDim, double logitScale, ImageConfig image, TextConfig text) {}
