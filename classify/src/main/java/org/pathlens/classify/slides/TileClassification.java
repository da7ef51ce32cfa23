package org.pathlens.classify.slides;

import org.pathlens.classify.ClassProbabilities;
import org.pathlens.index.TileRecord;

/** One indexed tile and what a classifier made of it. */
public record TileClassification(TileRecord tile, ClassProbabilities result) {}
