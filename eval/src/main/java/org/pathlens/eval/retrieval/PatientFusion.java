package org.pathlens.eval.retrieval;

import java.util.Locale;

/**
 * How a patient's slides become one embedding, as Patho-Bench's {@code combine_slides_per_patient}
 * chooses: early fusion pools all the patient's tiles at once, late fusion pools each slide and
 * then the slide embeddings. Both with {@link UnitMeanPooling}.
 */
public enum PatientFusion {
  EARLY,
  LATE;

  /** {@code early} or {@code late}. */
  public static PatientFusion parse(String name) {
    for (PatientFusion fusion : values()) {
      if (fusion.label().equals(name)) {
        return fusion;
      }
    }
    throw new IllegalArgumentException("\"" + name + "\" is not one of early, late");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
