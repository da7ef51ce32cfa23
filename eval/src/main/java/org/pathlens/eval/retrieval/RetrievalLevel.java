package org.pathlens.eval.retrieval;

import java.util.Locale;

/** What a case retrieval query and its candidates are: tiles, slides or patients. */
public enum RetrievalLevel {
  TILE,
  SLIDE,
  PATIENT;

  /** {@code tile}, {@code slide} or {@code patient}. */
  public static RetrievalLevel parse(String name) {
    for (RetrievalLevel level : values()) {
      if (level.label().equals(name)) {
        return level;
      }
    }
    throw new IllegalArgumentException("\"" + name + "\" is not one of tile, slide, patient");
  }

  /** The name configs use and metric names start with. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
