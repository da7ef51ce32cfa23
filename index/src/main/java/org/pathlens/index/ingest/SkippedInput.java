package org.pathlens.index.ingest;

/**
 * An input an ingest left out, with the reason.
 *
 * @param source the tile file or slide (for a slide's tile, {@code <slide>@<x>,<y>} at level 0), as
 *     named
 * @param reason why, naming the input (the decoder's or OpenSlide's own words where there are some)
 * @param nonFinite true when the input was read but the model's output for it was NaN or infinite
 */
public record SkippedInput(String source, String reason, boolean nonFinite) {

  /** An input that could not be read. */
  public SkippedInput(String source, String reason) {
    this(source, reason, false);
  }
}
