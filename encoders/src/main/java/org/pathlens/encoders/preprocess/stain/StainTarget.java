package org.pathlens.encoders.preprocess.stain;

import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * How a stain normalisation method describes the staining of some pixels: Reinhard's colour
 * statistics ({@link LabStatistics}) or Macenko's stain vectors and concentrations ({@link
 * MacenkoStains}). The same description serves as a target (where tiles are moved to) and as a
 * source (what a tile or slide looks like now), estimated from pixels by {@link #estimate}.
 */
public sealed interface StainTarget permits LabStatistics, MacenkoStains {

  /** The method this description belongs to. */
  StainMethod method();

  /**
   * This method's description of {@code images} taken together (one tile, or a sample of a slide's
   * tiles), with this target's parameters; empty when they hold too little tissue to estimate it.
   */
  Optional<StainTarget> estimate(List<RgbImage> images);

  /**
   * {@code image}, whose staining {@code source} describes, re-stained to look like this target.
   */
  RgbImage transfer(RgbImage image, StainTarget source);
}
