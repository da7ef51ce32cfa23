package org.pathlens.index.features;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One slide's patch features as TRIDENT and CLAM write them: an HDF5 file {@code <slide>.h5} with a
 * dataset {@code features} [N, D] (float32) and {@code coords} [N, 2] (level-0 top-left x, y of
 * each patch), checked whole when opened: both datasets there, N equal, coordinates integers, not
 * negative and not repeated, and a coordinate convention PathLens knows ({@link Footprint}). The
 * coordinates are read when the file is opened (16 bytes a tile); the features are streamed by
 * {@link #forEachBlock}.
 *
 * @param file the file
 * @param slideId its slide's id: the file name without {@code .h5}, as TRIDENT names them
 * @param dimension D, the features' length
 * @param footprint how big a patch is at level 0
 * @param encoder the {@code encoder} attribute of {@code features} (TRIDENT), if there is one
 * @param attributes the attributes of {@code coords} and {@code features}, as text, under {@code
 *     coords.NAME} and {@code features.NAME}
 * @param xs the patches' level-0 x, by row
 * @param ys the patches' level-0 y, by row
 */
public record FeatureFile(
    Path file,
    String slideId,
    int dimension,
    Footprint footprint,
    Optional<String> encoder,
    Map<String, String> attributes,
    long[] xs,
    long[] ys) {

  /** The datasets' names, as TRIDENT and CLAM write them. */
  public static final String FEATURES = "features";

  public static final String COORDS = "coords";

  /** How big a patch is at level 0: the two conventions of the files PathLens reads. */
  public sealed interface Footprint {

    /** The patch side in pixels as the encoder saw it. */
    int patchSize();
  }

  /**
   * TRIDENT: {@code patch_size} pixels at the target magnification, {@code patch_size_level0} at
   * level 0.
   */
  public record Level0Footprint(int patchSize, int patchSizeLevel0) implements Footprint {}

  /**
   * CLAM: {@code patch_size} pixels read at pyramid level {@code patch_level}; the level-0 side
   * needs the slide's downsample of that level.
   */
  public record LevelFootprint(int patchSize, int patchLevel) implements Footprint {}

  /** Rows of features, in blocks: row {@code first + i} is {@code features[i]}. */
  public interface Block {
    void accept(long first, float[][] features) throws java.io.IOException;
  }

  /** Number of patches. */
  public int rows() {
    return xs.length;
  }

  /**
   * Opens and checks {@code file}.
   *
   * @throws FeatureFileException one line naming the file and the dataset or attribute at fault
   */
  public static FeatureFile open(Path file) throws java.io.IOException {
    String name = file.toString();
    if (!name.endsWith(".h5")) {
      throw new FeatureFileException(name + ": not an .h5 feature file (TRIDENT or CLAM)");
    }
    try (HdfFile hdf = new HdfFile(file)) {
      Dataset coords = dataset(hdf, file, COORDS);
      Dataset features = dataset(hdf, file, FEATURES);
      Hdf5Rows featureRows = Hdf5Rows.of(features, name + ": dataset '" + FEATURES + "'");
      Hdf5Rows coordRows = Hdf5Rows.of(coords, name + ": dataset '" + COORDS + "'");
      if (!featureRows.isFloatingPoint()) {
        throw new FeatureFileException(
            name + ": dataset 'features' holds integers; expected float32 features");
      }
      if (coordRows.columns() != 2 || coordRows.isFloatingPoint()) {
        throw new FeatureFileException(
            name
                + ": dataset 'coords' must hold integer level-0 (x, y) pairs [N, 2], got "
                + coordRows.columns()
                + (coordRows.isFloatingPoint() ? " floating-point" : " integer")
                + " columns");
      }
      if (coordRows.rows() != featureRows.rows()) {
        throw new FeatureFileException(
            name
                + ": 'features' has "
                + featureRows.rows()
                + " rows but 'coords' has "
                + coordRows.rows()
                + "; each patch needs both");
      }
      if (featureRows.rows() == 0 || featureRows.columns() == 0) {
        throw new FeatureFileException(name + ": dataset 'features' is empty");
      }
      Map<String, String> attributes = new TreeMap<>();
      attributes(coords, COORDS, attributes);
      attributes(features, FEATURES, attributes);
      Footprint footprint = footprint(name, coords);
      int n = Math.toIntExact(coordRows.rows());
      long[] xs = new long[n];
      long[] ys = new long[n];
      coordRows.forEachBlock(
          (first, values) -> {
            for (int i = 0; i < values.length; i++) {
              xs[(int) first + i] = (long) values[i][0];
              ys[(int) first + i] = (long) values[i][1];
            }
          });
      requireDistinctPositions(name, xs, ys);
      Optional<String> encoder = Optional.ofNullable(attributes.get(FEATURES + ".encoder"));
      String slideId = file.getFileName().toString();
      slideId = slideId.substring(0, slideId.length() - ".h5".length());
      return new FeatureFile(
          file, slideId, featureRows.columns(), footprint, encoder, attributes, xs, ys);
    } catch (HdfException e) {
      throw new FeatureFileException(name + ": not a readable HDF5 file (" + e.getMessage() + ")");
    }
  }

  /**
   * Streams the features in blocks of rows, as float32. Opens the file again, so a {@code
   * FeatureFile} holds no file handle between passes.
   */
  public void forEachBlock(Block block) throws java.io.IOException {
    try (HdfFile hdf = new HdfFile(file)) {
      Hdf5Rows rows = Hdf5Rows.of(dataset(hdf, file, FEATURES), file + ": dataset 'features'");
      rows.forEachBlock(
          (first, values) -> {
            float[][] floats = new float[values.length][];
            for (int i = 0; i < values.length; i++) {
              floats[i] = new float[values[i].length];
              for (int j = 0; j < values[i].length; j++) {
                floats[i][j] = (float) values[i][j];
              }
            }
            block.accept(first, floats);
          });
    } catch (HdfException e) {
      throw new FeatureFileException(file + ": not a readable HDF5 file (" + e.getMessage() + ")");
    }
  }

  private static Dataset dataset(HdfFile hdf, Path file, String name) throws FeatureFileException {
    Node node = hdf.getChildren().get(name);
    if (node == null) {
      String hint =
          name.equals(FEATURES) && file.getFileName().toString().endsWith("_patches.h5")
              ? " (a coordinates-only patches file: give the features_<encoder> folder instead)"
              : "";
      throw new FeatureFileException(
          file
              + ": no dataset '"
              + name
              + "' (TRIDENT and CLAM write 'features' and 'coords')"
              + hint);
    }
    if (!(node instanceof Dataset dataset)) {
      throw new FeatureFileException(file + ": '" + name + "' is a group, not a dataset");
    }
    return dataset;
  }

  /**
   * TRIDENT's {@code patch_size_level0}, else CLAM's {@code patch_level} with {@code patch_size};
   * CLAM's {@code custom_downsample} other than 1 is refused (the patch was resized before the
   * encoder saw it, by a factor PathLens would have to guess).
   */
  private static Footprint footprint(String name, Dataset coords) throws FeatureFileException {
    Map<String, Attribute> a = coords.getAttributes();
    Optional<Long> patchSize = integer(name, a, "patch_size");
    Optional<Long> level0 = integer(name, a, "patch_size_level0");
    Optional<Long> level = integer(name, a, "patch_level");
    Optional<Long> downsample = integer(name, a, "custom_downsample");
    if (patchSize.isEmpty() || patchSize.get() < 1) {
      throw new FeatureFileException(
          name + ": 'coords' has no positive 'patch_size' attribute (TRIDENT and CLAM write one)");
    }
    if (level0.isPresent()) {
      if (level0.get() < 1) {
        throw new FeatureFileException(
            name + ": 'coords' attribute patch_size_level0 is not positive");
      }
      return new Level0Footprint(patchSize.get().intValue(), level0.get().intValue());
    }
    if (level.isPresent()) {
      if (downsample.isPresent() && downsample.get() != 1) {
        throw new FeatureFileException(
            name
                + ": 'coords' has custom_downsample "
                + downsample.get()
                + " (CLAM resized its patches): not supported; extract at the target size instead");
      }
      return new LevelFootprint(patchSize.get().intValue(), level.get().intValue());
    }
    throw new FeatureFileException(
        name
            + ": unknown coordinate convention: 'coords' has neither patch_size_level0 (TRIDENT)"
            + " nor patch_level (CLAM)");
  }

  private static Optional<Long> integer(String name, Map<String, Attribute> attributes, String key)
      throws FeatureFileException {
    Attribute attribute = attributes.get(key);
    if (attribute == null) {
      return Optional.empty();
    }
    Object value = attribute.getData();
    if (value != null && value.getClass().isArray() && Array.getLength(value) == 1) {
      value = Array.get(value, 0);
    }
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return Optional.of(number.longValue());
    }
    throw new FeatureFileException(
        name + ": 'coords' attribute " + key + " is " + value + ", expected an integer");
  }

  private static void attributes(Dataset dataset, String prefix, Map<String, String> out) {
    for (Map.Entry<String, Attribute> e : dataset.getAttributes().entrySet()) {
      Object value = e.getValue().getData();
      String text =
          value != null && value.getClass().isArray() ? arrayText(value) : String.valueOf(value);
      out.put(prefix + "." + e.getKey(), text);
    }
  }

  private static String arrayText(Object array) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < Array.getLength(array); i++) {
      text.append(i > 0 ? ", " : "").append(Array.get(array, i));
    }
    return text.append(']').toString();
  }

  private static void requireDistinctPositions(String name, long[] xs, long[] ys)
      throws FeatureFileException {
    Map<Long, Integer> seen = new HashMap<>();
    for (int i = 0; i < xs.length; i++) {
      if (xs[i] < 0 || ys[i] < 0 || xs[i] > Integer.MAX_VALUE || ys[i] > Integer.MAX_VALUE) {
        throw new FeatureFileException(
            name
                + ": 'coords' row "
                + i
                + " ("
                + xs[i]
                + ", "
                + ys[i]
                + ") is not a level-0 pixel");
      }
      Integer earlier = seen.putIfAbsent(xs[i] << 32 | ys[i], i);
      if (earlier != null) {
        throw new FeatureFileException(
            name
                + ": 'coords' rows "
                + earlier
                + " and "
                + i
                + " are both ("
                + xs[i]
                + ", "
                + ys[i]
                + "): one tile id, two features");
      }
    }
  }
}
