package org.pathlens.index.features;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a feature file's rows are to the bundle they are ingested with: its image embeddings, or the
 * features its image projection takes ({@code image.projection}: CONCH v1's output before {@code
 * proj_contrast}, which TRIDENT and CLAM store). A file may say which in the attribute {@value
 * #ATTRIBUTE} of {@code features} (PathLens's exports do); else the user does, or the lengths
 * decide.
 */
public enum FeatureSpace {
  /** The bundle's own image embeddings (made unit length on ingest). */
  EMBEDDING("embedding"),
  /** The input of the bundle's image projection: projected and normalised on ingest. */
  PRE_PROJECTION("pre-projection");

  /** The attribute of {@code features} that says which, as PathLens's exports write it. */
  public static final String ATTRIBUTE = "pathlens_feature_space";

  private final String value;

  FeatureSpace(String value) {
    this.value = value;
  }

  /** As written on the command line and in {@link #ATTRIBUTE}. */
  public String value() {
    return value;
  }

  /**
   * @throws IllegalArgumentException naming the values taken
   */
  public static FeatureSpace parse(String text) {
    String wanted = text.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(s -> s.value.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "expected embedding or pre-projection, got \"" + text + "\""));
  }

  @Override
  public String toString() {
    return value;
  }
}
