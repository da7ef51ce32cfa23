package org.pathlens.encoders.preprocess.stain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Stain targets: stored as a small JSON file, estimated from a reference tile, or the defaults
 * shipped with PathLens.
 *
 * <p>The JSON of a target names its method and gives its numbers; other keys (a note on where it
 * came from) are ignored:
 *
 * <pre>
 * {"method": "reinhard", "mean": [L, a, b], "std": [L, a, b]}
 * {"method": "macenko", "hematoxylin": [r, g, b], "eosin": [r, g, b], "max_concentrations": [h, e],
 *  "parameters": {"io": 255, "beta": 0.15, "alpha": 1}}
 * </pre>
 *
 * <p>The defaults ({@code default-reinhard.json}, {@code default-macenko.json} beside this class)
 * are center-a's staining, estimated as a per-slide fit estimates a slide's ({@link
 * StainNormalization#estimateSlide}) from its nine generated tiles of {@code generate tiles
 * --per-class 1 --centers 5 --seed 1} (one per class; the demo model was trained on center-a). A
 * center's mixture of tissue rather than one tile's: a single tile's statistics are its class's
 * colours (a normal-mucosa tile is mostly pale), and a slide mapped onto them loses the differences
 * between its classes. {@code StainGoldenTest} re-derives them from the generator.
 */
public final class StainTargets {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StainTargets() {}

  /** The target shipped with PathLens for {@code method}. */
  public static StainTarget defaultFor(StainMethod method) {
    if (method == StainMethod.NONE) {
      throw new IllegalArgumentException("stain normalisation none has no target");
    }
    String resource = "default-" + method.id() + ".json";
    try (InputStream in = StainTargets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the default "
                + method.id()
                + " stain target "
                + resource
                + " is missing from the PathLens jar");
      }
      return fromJson(JSON.readTree(in), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the default stain target " + resource, e);
    }
  }

  /**
   * A target for {@code method} from {@code file}: a {@code .json} target, or any image the decoder
   * reads (a reference tile, whose staining becomes the target).
   *
   * @throws IllegalArgumentException naming the file: unreadable, malformed, another method's
   *     target, or an image with too little tissue
   */
  public static StainTarget load(Path file, StainMethod method, ImageDecoder decoder) {
    if (method == StainMethod.NONE) {
      throw new IllegalArgumentException(
          "--stain-target " + file + " given without a stain normalisation method");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("stain target " + file + ": no such file");
    }
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      StainTarget target = read(file);
      if (target.method() != method) {
        throw new IllegalArgumentException(
            "stain target "
                + file
                + " is a "
                + target.method().id()
                + " target, but the normalisation asked for is "
                + method.id());
      }
      return target;
    }
    RgbImage reference;
    try {
      reference = decoder.decode(file);
    } catch (ImageDecodeException e) {
      throw new IllegalArgumentException(
          "stain target "
              + file
              + ": neither a .json target nor a readable image: "
              + e.getMessage(),
          e);
    }
    return method
        .estimate(List.of(reference))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "stain target "
                        + file
                        + ": the reference image holds too little tissue to estimate a "
                        + method.id()
                        + " target from"));
  }

  /** Reads a target JSON file; errors name the file and the field. */
  public static StainTarget read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "stain target "
              + file
              + ": not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "): "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "stain target " + file + ": cannot be read: " + e.getMessage(), e);
    }
    return fromJson(root, "stain target " + file);
  }

  /** Writes {@code target} as a JSON file. */
  public static void write(StainTarget target, Path file) throws IOException {
    Files.writeString(
        file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(target)) + "\n");
  }

  /** The JSON of a target. */
  public static ObjectNode toJson(StainTarget target) {
    ObjectNode node = JSON.createObjectNode();
    node.put("method", target.method().id());
    switch (target) {
      case LabStatistics lab -> {
        node.put("color_space", "CIE Lab (D65)");
        array(node, "mean", lab.mean());
        array(node, "std", lab.std());
      }
      case MacenkoStains stains -> {
        array(node, "hematoxylin", stains.hematoxylin());
        array(node, "eosin", stains.eosin());
        array(node, "max_concentrations", stains.maxConcentrations());
        ObjectNode parameters = node.putObject("parameters");
        parameters.put("io", stains.parameters().io());
        parameters.put("beta", stains.parameters().beta());
        parameters.put("alpha", stains.parameters().alpha());
      }
    }
    return node;
  }

  /**
   * Parses the JSON of a target.
   *
   * @param source names the JSON in errors (a file, a resource, an index)
   */
  public static StainTarget fromJson(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          source + ": must hold a JSON object with \"method\" and its numbers");
    }
    JsonNode methodNode = root.get("method");
    if (methodNode == null || !methodNode.isTextual()) {
      throw new IllegalArgumentException(source + ": missing \"method\" (reinhard or macenko)");
    }
    StainMethod method;
    try {
      method = StainMethod.parse(methodNode.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
    try {
      return switch (method) {
        case NONE -> throw new IllegalArgumentException("method \"none\" has no target");
        case REINHARD -> new LabStatistics(numbers(root, "mean", 3), numbers(root, "std", 3));
        case MACENKO ->
            new MacenkoStains(
                numbers(root, "hematoxylin", 3),
                numbers(root, "eosin", 3),
                numbers(root, "max_concentrations", 2),
                parameters(root.get("parameters")));
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static MacenkoParameters parameters(JsonNode node) {
    if (node == null) {
      return MacenkoParameters.DEFAULT;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "\"parameters\" must be an object {\"io\", \"beta\", \"alpha\"}");
    }
    MacenkoParameters d = MacenkoParameters.DEFAULT;
    return new MacenkoParameters(
        number(node, "io", d.io()),
        number(node, "beta", d.beta()),
        number(node, "alpha", d.alpha()));
  }

  private static double number(JsonNode node, String field, double fallback) {
    JsonNode value = node.get(field);
    if (value == null) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException("\"parameters\"." + field + " must be a number");
    }
    return value.asDouble();
  }

  private static double[] numbers(JsonNode root, String field, int count) {
    JsonNode array = root.get(field);
    if (array == null || !array.isArray() || array.size() != count) {
      throw new IllegalArgumentException(
          "\"" + field + "\" must be an array of " + count + " numbers");
    }
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      if (!array.get(i).isNumber()) {
        throw new IllegalArgumentException(
            "\"" + field + "\"[" + i + "] must be a number, got " + array.get(i));
      }
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  private static void array(ObjectNode node, String field, double[] values) {
    ArrayNode array = node.putArray(field);
    for (double v : values) {
      array.add(v);
    }
  }
}
