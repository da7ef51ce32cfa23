package org.pathlens.cli;

import org.pathlens.index.PatientPooling;
import picocli.CommandLine.Option;

/** {@code --fusion late|early}: how a patient's vector is pooled (Patho-Bench's two fusions). */
final class FusionOption {

  @Option(
      names = "--fusion",
      paramLabel = "late|early",
      description =
          "Patient vectors: late (default) averages the patient's slide vectors, early all its"
              + " tiles.")
  PatientPooling.Fusion value;

  /** Whether the option was given. */
  boolean given() {
    return value != null;
  }

  /** The fusion asked for, late by default. */
  PatientPooling.Fusion fusion() {
    return value == null ? PatientPooling.Fusion.LATE : value;
  }
}
