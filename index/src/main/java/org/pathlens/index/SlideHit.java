package org.pathlens.index;

/**
 * One slide of a similar-cases ranking.
 *
 * @param slideId the slide
 * @param score its {@link SlideSimilarity} score (a mean of cosines)
 * @param matchedTiles how many query tiles found a neighbour in this slide
 */
public record SlideHit(String slideId, float score, int matchedTiles) {}
