package org.pathlens.index.features;

/**
 * A feature file PathLens will not read, with one line that names the file, the dataset or
 * attribute at fault and what would fix it. Nothing of the file has reached the index when it is
 * thrown.
 */
public final class FeatureFileException extends java.io.IOException {

  public FeatureFileException(String message) {
    super(message);
  }
}
