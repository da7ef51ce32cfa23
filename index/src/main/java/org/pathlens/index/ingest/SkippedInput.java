package org.pathlens.index.ingest;

/**
 * An input an ingest left out, with the reason.
 *
 * @param source the tile file or slide, as named
 * @param reason why, naming the file (the decoder's or OpenSlide's own words where there are some)
 */
public record SkippedInput(String source, String reason) {}
