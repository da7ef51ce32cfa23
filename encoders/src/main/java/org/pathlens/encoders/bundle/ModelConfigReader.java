package org.pathlens.encoders.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.pathlens.encoders.json.TreeBinding;
import org.pathlens.encoders.text.TextCleaning;

/**
 * Parses and validates {@code model.json}: {@link TreeBinding} binds it to {@link Json}, then each
 * field is checked. Every error names the field, so that a hand-written or exported file can be
 * fixed from the message alone. Unknown keys are ignored on purpose: bundles may carry their own
 * notes (recipe, licence, scores).
 */
final class ModelConfigReader {

  /**
   * {@code model.json} as written, null where a key is missing or its value is null or of the wrong
   * JSON type (see {@link TreeBinding}).
   */
  record Json(
      String name, Integer embeddingDim, Number logitScale, Image image, Text text, JsonNode aka) {}

  /**
   * @param cropOffset a reference, not a String: a missing key means "round", a null (or a value of
   *     the wrong type) is refused
   * @param feature a node: any scalar is read as its text, as {@code image.feature} always was
   */
  record Image(
      Integer size,
      String resize,
      String interpolation,
      AtomicReference<String> cropOffset,
      List<Number> mean,
      List<Number> std,
      JsonNode feature,
      JsonNode projection) {}

  /** {@code image.projection}: optional, then {@code input_dim} is required. */
  record Projection(Integer inputDim, String from) {}

  /**
   * @param inputs nodes, read as text, so that a wrong list is reported as it was ({@code is [5]})
   */
  record Text(Integer contextLength, List<JsonNode> inputs, Long padId, JsonNode clean) {}

  private static final String OBJECT = "missing or not an object";
  private static final String INPUTS =
      "must be [\"input_ids\"] or [\"input_ids\", \"attention_mask\"]";

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
    // The tree first, so that a syntax error anywhere is reported before any field.
    return config(TreeBinding.bind((ObjectNode) BundleJson.readObject(file, ""), Json.class));
  }

  /** Checks each field, in the order they were always checked. */
  private ModelConfig config(Json json) {
    String name = text(json.name(), "name");
    int dim = positive(json.embeddingDim(), "embedding_dim");
    double logitScale =
        check(json.logitScale(), "logit_scale", "missing or not a number", s -> true).doubleValue();
    if (!(logitScale > 0) || Double.isInfinite(logitScale)) {
      throw fieldError("logit_scale", "must be a positive number (the exp'd scale, e.g. 100.0)");
    }
    Image image = check(json.image(), "image", OBJECT, i -> true);
    ImageFeature feature =
        parse(
            ImageFeature::parse,
            image.feature() == null ? "projected" : image.feature().asText("projected"));
    ImageConfig imageConfig = image(image);
    return new ModelConfig(
        name,
        dim,
        logitScale,
        imageConfig,
        text(check(json.text(), "text", OBJECT, t -> true)),
        feature,
        projection(image.projection()),
        aka(json.aka()));
  }

  private ImageConfig image(Image image) {
    int size = positive(image.size(), "image.size");
    if (size > MAX_IMAGE_SIZE) {
      // A float32 [3, S, S] input of S = 4096 is 200 MB already; larger is a typo, not a model.
      throw fieldError("image.size", "must be at most " + MAX_IMAGE_SIZE + " pixels, got " + size);
    }
    ResizeMode resize = parse(ResizeMode::parse, text(image.resize(), "image.resize"));
    Interpolation interpolation =
        parse(Interpolation::parse, text(image.interpolation(), "image.interpolation"));
    // optional: only Hugging Face image processors need "floor"
    CropOffset cropOffset =
        image.cropOffset() == null
            ? CropOffset.ROUND
            : parse(CropOffset::parse, text(image.cropOffset().get(), "image.crop_offset"));
    float[] mean = triple(image.mean(), "image.mean");
    float[] std = triple(image.std(), "image.std");
    for (float s : std) {
      if (!(s > 0)) {
        throw fieldError("image.std", "values must be positive");
      }
    }
    return new ImageConfig(size, resize, interpolation, mean, std, cropOffset);
  }

  private ImageProjectionConfig projection(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      throw fieldError("image.projection", "must be an object with \"input_dim\"");
    }
    Projection projection = TreeBinding.bind((ObjectNode) node, Projection.class);
    int inputDim = positive(projection.inputDim(), "image.projection.input_dim");
    return new ImageProjectionConfig(
        inputDim, projection.from() == null ? "" : projection.from().strip());
  }

  /** {@code aka}: optional, a list of non-empty names. */
  private List<String> aka(JsonNode node) {
    if (node == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode name : node) {
        if (!name.isTextual() || name.asText().isBlank()) {
          names = null;
          break;
        }
        names.add(name.asText().strip());
      }
    }
    if (!node.isArray() || names == null) {
      throw fieldError("aka", "must be a list of names (e.g. [\"conch_v1\"])");
    }
    return names;
  }

  private TextConfig text(Text text) {
    int contextLength = positive(text.contextLength(), "text.context_length");
    List<String> inputs =
        check(text.inputs(), "text.inputs", "missing; " + INPUTS, l -> true).stream()
            .map(JsonNode::asText)
            .toList();
    if (!TEXT_INPUTS.contains(inputs)) {
      throw fieldError("text.inputs", "is " + inputs + "; " + INPUTS);
    }
    long padId =
        check(text.padId(), "text.pad_id", "missing or not a non-negative integer", p -> p >= 0);
    return new TextConfig(contextLength, inputs, padId, clean(text.clean()));
  }

  /**
   * {@code text.clean}: optional, the steps the family's own code applies before its tokenizer; an
   * unknown step is refused, as embedding without it would not be the model's text.
   */
  private TextCleaning clean(JsonNode node) {
    if (node == null) {
      return TextCleaning.NONE;
    }
    String expected =
        "must be a list of cleaning steps, e.g. [\"ftfy\", \"html.unescape\","
            + " \"html.unescape\", \"whitespace\"]";
    if (!node.isArray()) {
      throw fieldError("text.clean", expected);
    }
    List<TextCleaning.Step> steps = new ArrayList<>();
    for (JsonNode step : node) {
      if (!step.isTextual()) {
        throw fieldError("text.clean", expected + "; got " + node);
      }
      try {
        steps.add(TextCleaning.Step.parse(step.asText()));
      } catch (IllegalArgumentException e) {
        throw fieldError("text.clean", "has an " + e.getMessage());
      }
    }
    return new TextCleaning(steps);
  }

  private String text(String value, String field) {
    return check(value, field, "missing or not a non-empty string", s -> !s.isBlank());
  }

  private int positive(Integer value, String field) {
    return check(value, field, "missing or not a positive integer", n -> n > 0);
  }

  private float[] triple(List<Number> values, String field) {
    check(
        values,
        field,
        "must be an array of 3 numbers (R, G, B)",
        v -> v.size() == 3 && !v.contains(null));
    float[] triple = new float[3];
    for (int i = 0; i < 3; i++) {
      triple[i] = (float) values.get(i).doubleValue(); // through double, as they were always read
    }
    return triple;
  }

  /** {@code value} if it is there and {@code valid}, else an error naming the field. */
  private <T> T check(T value, String field, String problem, Predicate<T> valid) {
    if (value == null || !valid.test(value)) {
      throw fieldError(field, problem);
    }
    return value;
  }

  /** An enum's parse, whose message already names the field and the values it takes. */
  private <T> T parse(Function<String, T> parse, String value) {
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) {
      throw new BundleException(file, e.getMessage(), e);
    }
  }

  private BundleException fieldError(String field, String problem) {
    return new BundleException(file, "field \"" + field + "\" " + problem);
  }
}
