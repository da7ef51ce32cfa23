package org.pathlens.encoders.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A slide encoder's canary ({@code canary.json}, required): a few slides' tile features and
 * coordinates with the unit slide embedding the encoder's Python module gives them. The engine
 * encodes them on every load and refuses the bundle when any falls below {@link Canary#MIN_COSINE}.
 *
 * <pre>
 * {"reference": "make_slide_encoder.py, eager module, torch 1.13.0",
 *  "slides": [{"name": "seeded-slide-0", "patch_size_level0": 448,
 *              "coords": [[x, y], ...], "features": [[D floats], ...], "embedding": [D_s floats]}]}
 * </pre>
 *
 * @param file the canary file
 * @param reference what computed the expected embeddings
 * @param slides the inputs with their expected embeddings
 */
public record SlideCanary(Path file, String reference, List<Slide> slides) {

  public static final String FILE = "canary.json";

  /**
   * One canary slide.
   *
   * @param name its name in the file
   * @param features [N][D] tile features
   * @param coords [N][2] level-0 (x, y) of each tile
   * @param patchSizeLevel0 the tile side in level-0 pixels
   * @param embedding the expected unit embedding
   */
  public record Slide(
      String name, float[][] features, long[][] coords, long patchSizeLevel0, float[] embedding) {}

  public SlideCanary {
    slides = List.copyOf(slides);
  }

  /** Reads {@code dir/canary.json}; a slide encoder without one is refused. */
  static SlideCanary read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new BundleException(
          file,
          "missing: a slide-encoder bundle carries a canary (fixed slides and the embeddings its"
              + " Python module gives them), which PathLens checks on every load");
    }
    JsonNode root = BundleJson.readObject(file, " with \"slides\"");
    JsonNode array = root.path("slides");
    if (!array.isArray() || array.isEmpty()) {
      throw new BundleException(
          file, "\"slides\" must be a non-empty list of slides with their reference embeddings");
    }
    List<Slide> slides = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      slides.add(slide(file, "slides[" + i + "]", array.get(i)));
    }
    return new SlideCanary(file, root.path("reference").asText(""), slides);
  }

  private static Slide slide(Path file, String where, JsonNode item) {
    JsonNode features = item.path("features");
    JsonNode coords = item.path("coords");
    if (!features.isArray() || features.isEmpty()) {
      throw new BundleException(file, where + ".features must be a non-empty list of rows");
    }
    if (!coords.isArray() || coords.size() != features.size()) {
      throw new BundleException(
          file,
          where + ".coords must list one [x, y] per row of features (" + features.size() + ")");
    }
    float[][] rows = new float[features.size()][];
    long[][] positions = new long[coords.size()][];
    for (int n = 0; n < rows.length; n++) {
      rows[n] = Canary.floats(file, where + ".features[" + n + "]", features.get(n));
      if (rows[n].length != rows[0].length) {
        throw new BundleException(
            file, where + ".features[" + n + "] has another length than features[0]");
      }
      JsonNode xy = coords.get(n);
      if (!xy.isArray()
          || xy.size() != 2
          || !xy.get(0).canConvertToLong()
          || !xy.get(1).canConvertToLong()) {
        throw new BundleException(file, where + ".coords[" + n + "] must be [x, y] integers");
      }
      positions[n] = new long[] {xy.get(0).asLong(), xy.get(1).asLong()};
    }
    JsonNode patch = item.path("patch_size_level0");
    if (!patch.canConvertToLong() || patch.asLong() <= 0) {
      throw new BundleException(file, where + ".patch_size_level0 must be a positive integer");
    }
    String name = item.path("name").isTextual() ? item.get("name").asText() : where;
    return new Slide(
        name,
        rows,
        positions,
        patch.asLong(),
        Canary.floats(file, where + ".embedding", item.path("embedding")));
  }
}
