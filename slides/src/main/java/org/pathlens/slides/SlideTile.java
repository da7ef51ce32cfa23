package org.pathlens.slides;

import org.pathlens.encoders.preprocess.RgbImage;

/** A tile read from a slide: where it is and its pixels at the requested size and resolution. */
public record SlideTile(TilePosition position, RgbImage image) {}
