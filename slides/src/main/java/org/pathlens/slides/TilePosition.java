package org.pathlens.slides;

/**
 * Where a tile lies: its grid column and row, and the level-0 rectangle it shows ({@code x}, {@code
 * y}, {@code width}, {@code height}, the coordinates an index records), with the share of tissue
 * the mask found there.
 */
public record TilePosition(
    int column, int row, long x, long y, long width, long height, double tissue) {}
