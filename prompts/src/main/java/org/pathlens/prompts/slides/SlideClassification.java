package org.pathlens.prompts.slides;

import org.pathlens.prompts.ClassProbabilities;

/**
 * One slide's zero-shot result.
 *
 * @param slideId the slide
 * @param result pooled cosines as scores, softmax(logit_scale × pooled) as probabilities
 * @param tiles how many tiles the slide has in the index (those its filter kept)
 * @param pooling how the tiles were pooled, with K resolved: {@code topk:5}, {@code mean}
 */
public record SlideClassification(
    String slideId, ClassProbabilities result, int tiles, String pooling) {}
