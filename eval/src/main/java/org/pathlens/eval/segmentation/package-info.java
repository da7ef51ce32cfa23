/**
 * Zero-shot segmentation scored at tile level: per-tile class probabilities turned into one mask
 * per class, and Dice and IoU per class against the tiles' true classes, with bootstrap intervals
 * over slides.
 */
package org.pathlens.eval.segmentation;
