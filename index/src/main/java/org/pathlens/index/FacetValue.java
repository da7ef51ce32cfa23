package org.pathlens.index;

/**
 * One value of a metadata field and how many tiles have it.
 *
 * @param value the value, as indexed (whole, case kept)
 * @param tiles live tiles with it
 */
public record FacetValue(String value, int tiles) {

  /** The most values a facet counts: a field with more is an identifier, not a category. */
  public static final int MAX_VALUES = 1000;
}
