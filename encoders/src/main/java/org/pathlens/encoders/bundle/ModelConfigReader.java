package org.pathlens.encoders.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates {@code model.json}. Every error names the field, so that a hand-written or
 * exported file can be fixed from the message alone. Unknown keys are ignored on purpose: bundles
 * may carry their own notes (recipe, licence, scores).
 */
final class ModelConfigReader {

  private static final List<List<String>> TEXT_INPUTS =
      List.of(List.of("input_ids"), List.of("input_ids", "attention_mask"));

  /** The largest square input side accepted (CONCH uses 448, most CLIP models 224). */
  static final int MAX_IMAGE_SIZE = 4096;

  private final Path file;

  private ModelConfigReader(Path file) {
    this.file = file;
  }

  static ModelConfig read(Path file) {
    return new ModelConfigReader(file).parse();
  }

  private ModelConfig parse() {
    JsonNode root = BundleJson.readObject(file, "");
    String name = text(root, "name");
    int dim = positiveInt(root, "embedding_dim");
    double logitScale = number(root, "logit_scale");
    if (!(logitScale > 0) || Double.isInfinite(logitScale)) {
      throw fieldError("logit_scale", "must be a positive number (the exp'd scale, e.g. 100.0)");
    }
    JsonNode imageNode = object(root, "image");
    ImageFeature feature;
    try {
      feature = ImageFeature.parse(imageNode.path("feature").asText("projected"));
    } catch (IllegalArgumentException e) {
      throw new BundleException(file, e.getMessage(), e);
    }
    return new ModelConfig(
        name, dim, logitScale, image(imageNode), text(object(root, "text")), feature);
  }

  private ImageConfig image(JsonNode node) {
    int size = positiveInt(node, "image.size", "size");
    if (size > MAX_IMAGE_SIZE) {
      // A float32 [3, S, S] input of S = 4096 is 200 MB already; larger is a typo, not a model.
      throw fieldError("image.size", "must be at most " + MAX_IMAGE_SIZE + " pixels, got " + size);
    }
    ResizeMode resize;
    Interpolation interpolation;
    CropOffset cropOffset;
    try {
      resize = ResizeMode.parse(text(node, "image.resize", "resize"));
      interpolation = Interpolation.parse(text(node, "image.interpolation", "interpolation"));
      // optional: only Hugging Face image processors need "floor"
      cropOffset =
          node.has("crop_offset")
              ? CropOffset.parse(text(node, "image.crop_offset", "crop_offset"))
              : CropOffset.ROUND;
    } catch (IllegalArgumentException e) {
      throw new BundleException(file, e.getMessage(), e);
    }
    float[] mean = triple(node, "image.mean", "mean");
    float[] std = triple(node, "image.std", "std");
    for (float s : std) {
      if (!(s > 0)) {
        throw fieldError("image.std", "values must be positive");
      }
    }
    return new ImageConfig(size, resize, interpolation, mean, std, cropOffset);
  }

  private TextConfig text(JsonNode node) {
    int contextLength = positiveInt(node, "text.context_length", "context_length");
    JsonNode inputsNode = node.get("inputs");
    if (inputsNode == null || !inputsNode.isArray()) {
      throw fieldError(
          "text.inputs", "missing; must be [\"input_ids\"] or [\"input_ids\", \"attention_mask\"]");
    }
    List<String> inputs = new ArrayList<>();
    inputsNode.forEach(n -> inputs.add(n.asText()));
    if (!TEXT_INPUTS.contains(inputs)) {
      throw fieldError(
          "text.inputs",
          "is " + inputs + "; must be [\"input_ids\"] or [\"input_ids\", \"attention_mask\"]");
    }
    JsonNode pad = node.get("pad_id");
    if (pad == null || !pad.canConvertToLong() || !pad.isIntegralNumber() || pad.asLong() < 0) {
      throw fieldError("text.pad_id", "missing or not a non-negative integer");
    }
    return new TextConfig(contextLength, List.copyOf(inputs), pad.asLong());
  }

  private JsonNode object(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw fieldError(field, "missing or not an object");
    }
    return node;
  }

  private String text(JsonNode parent, String field) {
    return text(parent, field, field);
  }

  private String text(JsonNode parent, String path, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw fieldError(path, "missing or not a non-empty string");
    }
    return node.asText();
  }

  private int positiveInt(JsonNode parent, String field) {
    return positiveInt(parent, field, field);
  }

  private int positiveInt(JsonNode parent, String path, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() <= 0) {
      throw fieldError(path, "missing or not a positive integer");
    }
    return node.asInt();
  }

  private double number(JsonNode parent, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isNumber()) {
      throw fieldError(field, "missing or not a number");
    }
    return node.asDouble();
  }

  private float[] triple(JsonNode parent, String path, String field) {
    JsonNode node = parent.get(field);
    if (node == null || !node.isArray() || node.size() != 3) {
      throw fieldError(path, "must be an array of 3 numbers (R, G, B)");
    }
    float[] values = new float[3];
    for (int i = 0; i < 3; i++) {
      if (!node.get(i).isNumber()) {
        throw fieldError(path, "must be an array of 3 numbers (R, G, B)");
      }
      values[i] = (float) node.get(i).asDouble();
    }
    return values;
  }

  private BundleException fieldError(String field, String problem) {
    return new BundleException(file, "field \"" + field + "\" " + problem);
  }
}
