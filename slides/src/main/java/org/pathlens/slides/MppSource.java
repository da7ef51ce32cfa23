package org.pathlens.slides;

import java.util.Locale;

/**
 * Where the level-0 µm/px a slide was tiled at came from: the slide records it, so a user can tell
 * a measured resolution from one somebody assumed.
 */
public enum MppSource {
  /** The slide file's own metadata. */
  FILE("the slide file"),
  /** A row of the {@code --mpp-csv} table, which wins over the file (a per-slide correction). */
  CSV("--mpp-csv"),
  /** {@code --mpp-default}, for a slide that records none. */
  DEFAULT("--mpp-default"),
  /** {@code --mpp-override}, forced on every slide. */
  OVERRIDE("--mpp-override");

  private final String origin;

  MppSource(String origin) {
    this.origin = origin;
  }

  /** How the source is written in records and JSON: {@code file}, {@code csv}, … */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a person supplied the value rather than the scanner. */
  public boolean assumed() {
    return this != FILE;
  }

  /** What set the value, as a user would name it: the file, or the CLI option. */
  public String origin() {
    return origin;
  }

  /** The source {@link #key} names, or null for null (records written before sources were kept). */
  public static MppSource ofKey(String key) {
    return key == null ? null : valueOf(key.toUpperCase(Locale.ROOT));
  }
}
