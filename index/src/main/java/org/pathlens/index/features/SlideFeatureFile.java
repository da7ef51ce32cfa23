package org.pathlens.index.features;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One slide's embedding as TRIDENT writes it: {@code slide_features_<encoder>/<slide>.h5} with a
 * dataset {@code features} of D values (shape [D], or [1, D]), from a slide encoder (TITAN, PRISM,
 * CHIEF, or TRIDENT's mean pooling {@code mean-<patch encoder>}).
 *
 * @param file the file
 * @param slideId its slide: the file name without {@code .h5}
 * @param features the values as stored
 */
public record SlideFeatureFile(Path file, String slideId, float[] features) {

  /** The folder prefix TRIDENT gives slide features: {@code slide_features_<encoder>}. */
  public static final String FOLDER_PREFIX = "slide_features_";

  /**
   * Opens and checks {@code file}: a readable HDF5 file with a finite, non-empty {@code features}
   * of one row.
   *
   * @throws FeatureFileException one line naming the file and what is wrong
   */
  public static SlideFeatureFile open(Path file) throws IOException {
    String name = file.getFileName().toString();
    if (!name.endsWith(".h5")) {
      throw new FeatureFileException(file + ": not an .h5 slide feature file (TRIDENT)");
    }
    try (HdfFile hdf = new HdfFile(file)) {
      Node node = hdf.getChildren().get(FeatureFile.FEATURES);
      if (!(node instanceof Dataset dataset)) {
        throw new FeatureFileException(
            file + ": no dataset 'features' (TRIDENT writes a slide's embedding there)");
      }
      int[] dims = dataset.getDimensions();
      boolean oneRow = dims.length == 1 || dims.length == 2 && dims[0] == 1;
      if (!oneRow || dims[dims.length - 1] == 0) {
        throw new FeatureFileException(
            file
                + ": 'features' has shape "
                + Arrays.toString(dims)
                + "; a slide's embedding is [D] or [1, D] (patch features belong in features_<encoder>/)");
      }
      float[] values = floats(file, dataset.getData());
      for (int i = 0; i < values.length; i++) {
        if (!Float.isFinite(values[i])) {
          throw new FeatureFileException(file + ": 'features' value " + i + " is not finite");
        }
      }
      return new SlideFeatureFile(file, name.substring(0, name.length() - ".h5".length()), values);
    } catch (HdfException e) {
      throw new FeatureFileException(file + ": not a readable HDF5 file (" + e.getMessage() + ")");
    }
  }

  private static float[] floats(Path file, Object data) throws FeatureFileException {
    if (data instanceof float[][] rows) {
      return rows[0];
    }
    if (data instanceof double[][] rows) {
      return floats(file, rows[0]);
    }
    if (data instanceof float[] values) {
      return values;
    }
    if (data instanceof double[] values) {
      float[] out = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = (float) values[i];
      }
      return out;
    }
    throw new FeatureFileException(
        file
            + ": 'features' holds "
            + data.getClass().getSimpleName()
            + "; expected float32 or float64");
  }
}
