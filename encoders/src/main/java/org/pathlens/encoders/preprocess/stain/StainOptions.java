package org.pathlens.encoders.preprocess.stain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What happens to a decoded tile's stain before the model sees it: normalisation toward a target,
 * then test-time augmentation. An index records these ({@link #toJson}) so that query images are
 * embedded as its tiles were: a query and tiles in different colour spaces would not compare.
 *
 * @param normalization stain normalisation ({@link StainNormalization#NONE} for none)
 * @param augmentation test-time augmentation ({@link StainAugmentation#NONE} for none)
 */
public record StainOptions(StainNormalization normalization, StainAugmentation augmentation) {

  /** Tiles are embedded as decoded, once. */
  public static final StainOptions NONE =
      new StainOptions(StainNormalization.NONE, StainAugmentation.NONE);

  private static final ObjectMapper JSON = new ObjectMapper();

  public StainOptions {
    if (normalization == null || augmentation == null) {
      throw new IllegalArgumentException(
          "stain options need a normalization and an augmentation (NONE for none)");
    }
  }

  public boolean isNone() {
    return normalization.isNone() && augmentation.isIdentity();
  }

  public StainOptions withNormalization(StainNormalization n) {
    return new StainOptions(n, augmentation);
  }

  public StainOptions withAugmentation(StainAugmentation a) {
    return new StainOptions(normalization, a);
  }

  /**
   * The canonical JSON: {@code {"normalization": {"method", "fit", "target": {...}},
   * "augmentation": {"views", "scale", "shift", "seed"}}}; two equal options give the same string.
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode n = root.putObject("normalization");
    n.put("method", normalization.method().id());
    if (!normalization.isNone()) {
      n.put("fit", normalization.fit().id());
      n.set("target", StainTargets.toJson(normalization.target()));
    }
    ObjectNode a = root.putObject("augmentation");
    a.put("views", augmentation.views());
    a.put("scale", augmentation.scale());
    a.put("shift", augmentation.shift());
    a.put("seed", augmentation.seed());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses {@link #toJson}'s output.
   *
   * @param source names the JSON in errors (e.g. the index it was recorded in)
   */
  public static StainOptions fromJson(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          source + ": stain options are not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": stain options must be a JSON object");
    }
    JsonNode n = root.path("normalization");
    StainMethod method = StainMethod.parse(n.path("method").asText("none"));
    StainNormalization normalization =
        method == StainMethod.NONE
            ? StainNormalization.NONE
            : new StainNormalization(
                method,
                StainTargets.fromJson(n.get("target"), source + " (stain target)"),
                StainFit.parse(n.path("fit").asText("tile")));
    JsonNode a = root.path("augmentation");
    StainAugmentation augmentation =
        a.isMissingNode()
            ? StainAugmentation.NONE
            : new StainAugmentation(
                a.path("views").asInt(1),
                a.path("scale").asDouble(0),
                a.path("shift").asDouble(0),
                a.path("seed").asLong(0));
    return new StainOptions(normalization, augmentation);
  }

  /** e.g. {@code stain normalisation macenko (per tile), test-time augmentation 8 views (...)}. */
  public String describe() {
    return "stain normalisation "
        + normalization.describe()
        + ", test-time augmentation "
        + augmentation.describe();
  }
}
