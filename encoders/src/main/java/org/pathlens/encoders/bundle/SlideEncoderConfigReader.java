package org.pathlens.encoders.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates a slide encoder's {@code model.json}; every error names the field. Unknown
 * keys are ignored (a bundle may carry its own notes); {@code provenance} is required, so that an
 * index's slide vectors can be traced to who made the encoder.
 */
final class SlideEncoderConfigReader {

  private final Path file;

  private SlideEncoderConfigReader(Path file) {
    this.file = file;
  }

  static SlideEncoderConfig read(Path file) {
    return new SlideEncoderConfigReader(file).parse();
  }

  private SlideEncoderConfig parse() {
    JsonNode root = BundleJson.readObject(file, " (a slide encoder's model.json)");
    String kind = root.path("kind").asText("");
    if (!kind.equals(SlideEncoderConfig.KIND)) {
      throw new BundleException(
          file,
          "field \"kind\" is "
              + (root.has("kind") ? "\"" + kind + "\"" : "missing")
              + "; a slide-encoder bundle says \"kind\": \""
              + SlideEncoderConfig.KIND
              + "\" (an image/text bundle goes to --model)");
    }
    String name = text(root.path("name"), "name");
    int embeddingDim = positive(root.path("embedding_dim"), "embedding_dim");
    int maxTiles = positive(root.path("max_tiles"), "max_tiles");
    JsonNode features = root.path("tile_features");
    if (!features.isObject()) {
      throw field(
          "tile_features",
          "missing or not an object with \"model\", \"space\" and \"input_dim\": which image"
              + " bundle's tile features the encoder takes");
    }
    SlideEncoderConfig.Space space;
    try {
      space = SlideEncoderConfig.Space.parse(text(features.path("space"), "tile_features.space"));
    } catch (IllegalArgumentException e) {
      throw new BundleException(file, e.getMessage(), e);
    }
    SlideEncoderConfig.TileFeatures tileFeatures =
        new SlideEncoderConfig.TileFeatures(
            text(features.path("model"), "tile_features.model"),
            aka(features.path("aka")),
            space,
            positive(features.path("input_dim"), "tile_features.input_dim"),
            features.has("tile_size")
                ? positive(features.path("tile_size"), "tile_features.tile_size")
                : null,
            features.has("mpp") ? mpp(features.path("mpp")) : null);
    JsonNode provenance = root.path("provenance");
    if (!provenance.isObject() || provenance.isEmpty()) {
      throw field(
          "provenance",
          "missing or empty: say who made the encoder and from what (made_by, weights, export)");
    }
    return new SlideEncoderConfig(
        name, embeddingDim, maxTiles, tileFeatures, provenance.toString());
  }

  private List<String> aka(JsonNode node) {
    if (node.isMissingNode()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode name : node) {
        if (!name.isTextual() || name.asText().isBlank()) {
          throw field("tile_features.aka", "must be a list of names (e.g. [\"conch_v15\"])");
        }
        names.add(name.asText().strip());
      }
      return names;
    }
    throw field("tile_features.aka", "must be a list of names (e.g. [\"conch_v15\"])");
  }

  private double mpp(JsonNode node) {
    if (!node.isNumber() || !(node.asDouble() > 0) || Double.isInfinite(node.asDouble())) {
      throw field("tile_features.mpp", "must be a positive number of µm per pixel (0.5 is 20x)");
    }
    return node.asDouble();
  }

  private String text(JsonNode node, String field) {
    if (!node.isTextual() || node.asText().isBlank()) {
      throw field(field, "missing or not a non-empty string");
    }
    return node.asText().strip();
  }

  private int positive(JsonNode node, String field) {
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() <= 0) {
      throw field(field, "missing or not a positive integer");
    }
    return node.asInt();
  }

  private BundleException field(String field, String problem) {
    return new BundleException(file, "field \"" + field + "\" " + problem);
  }
}
