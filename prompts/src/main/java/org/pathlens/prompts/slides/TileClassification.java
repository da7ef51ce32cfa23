package org.pathlens.prompts.slides;

import org.pathlens.index.TileRecord;
import org.pathlens.prompts.ClassProbabilities;

/** One indexed tile and what a classifier made of it. */
public record TileClassification(TileRecord tile, ClassProbabilities result) {}
