package org.pathlens.encoders.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bundle's canary ({@code canary.json}): a few inputs with the embeddings the model's Python
 * reference gives for them. The engine embeds them when it loads the bundle and refuses to run if
 * it disagrees, so a broken numeric backend (a miscompiled kernel, a wrong preprocessing step,
 * another export) is caught before it computes a single served number.
 *
 * <pre>
 * {"reference": "pathlens_reference.py, torch 1.13.0, ...",
 *  "images": [{"file": "canary/he_224x224.png", "embedding": [D floats]}, ...],
 *  "texts":  [{"text": "an H&amp;E image of tumour", "embedding": [D floats]}, ...],
 *  "projections": [{"file": "canary/he_224x224.png", "feature": [D_pre floats],
 *                   "embedding": [D floats]}, ...]}
 * </pre>
 *
 * <p>{@code projections} (optional; exporters write it for a bundle with an {@code
 * image_projection.pt}) are pre-projection image features with the unit embedding the model's own
 * projection gives them: the check that imported pre-projection features land where the model puts
 * them.
 *
 * @param file the canary file
 * @param reference what computed the expected embeddings
 * @param images image inputs (paths resolved against the bundle) with their expected embeddings
 * @param texts text inputs with their expected embeddings
 * @param projections pre-projection features with their expected embeddings
 */
public record Canary(
    Path file,
    String reference,
    List<Item> images,
    List<Item> texts,
    List<ProjectionItem> projections) {

  public static final String FILE = "canary.json";

  /** The lowest cosine to the reference the engine accepts, per input. */
  public static final double MIN_COSINE = 0.9999;

  /**
   * One input and its expected unit embedding.
   *
   * @param input the text, or the image path relative to the bundle as written in the file
   * @param path the image file, or null for a text
   * @param inputIds for a text, the ids the model's own tokenizer gave it, when the canary lists
   *     them (exporters do); null otherwise
   */
  public record Item(String input, Path path, float[] embedding, long[] inputIds) {

    public Item(String input, Path path, float[] embedding) {
      this(input, path, embedding, null);
    }
  }

  /**
   * A pre-projection feature and its expected unit embedding.
   *
   * @param input where it came from as the file says (its {@code file}), or its place in the list
   */
  public record ProjectionItem(String input, float[] feature, float[] embedding) {}

  public Canary {
    images = List.copyOf(images);
    texts = List.copyOf(texts);
    projections = List.copyOf(projections);
  }

  /** The number of inputs. */
  public int size() {
    return images.size() + texts.size() + projections.size();
  }

  /**
   * Reads {@code dir/canary.json} if there is one; its faults are {@link BundleException}s naming
   * it. Its dimension is compared with the encoders' when the check runs, after the encoders' own
   * probe.
   */
  static Canary readIfPresent(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return null;
    }
    JsonNode root = BundleJson.readObject(file, " with \"images\" and \"texts\"");
    List<Item> images = items(file, dir, root, "images", "file");
    List<Item> texts = items(file, dir, root, "texts", "text");
    if (images.isEmpty() && texts.isEmpty()) {
      throw new BundleException(
          file, "lists no input: give \"images\" and \"texts\" with their reference embeddings");
    }
    String reference = root.path("reference").asText("");
    return new Canary(file, reference, images, texts, projections(file, root));
  }

  private static List<ProjectionItem> projections(Path file, JsonNode root) {
    JsonNode array = root.path("projections");
    if (array.isMissingNode()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new BundleException(file, "\"projections\" must be a list");
    }
    List<ProjectionItem> items = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "projections[" + i + "]";
      JsonNode item = array.get(i);
      String input = item.path("file").isTextual() ? item.get("file").asText() : where;
      items.add(
          new ProjectionItem(
              input,
              floats(file, where + ".feature", item.path("feature")),
              floats(file, where + ".embedding", item.path("embedding"))));
    }
    return items;
  }

  /** A non-empty JSON list of numbers as floats; {@code where} names it in the refusal. */
  static float[] floats(Path file, String where, JsonNode vector) {
    if (!vector.isArray() || vector.isEmpty()) {
      throw new BundleException(file, where + " must be a list of numbers");
    }
    float[] values = new float[vector.size()];
    for (int d = 0; d < values.length; d++) {
      if (!vector.get(d).isNumber()) {
        throw new BundleException(file, where + "[" + d + "] is not a number");
      }
      values[d] = (float) vector.get(d).asDouble();
    }
    return values;
  }

  private static List<Item> items(Path file, Path dir, JsonNode root, String field, String key) {
    JsonNode array = root.path(field);
    if (array.isMissingNode()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new BundleException(file, "\"" + field + "\" must be a list");
    }
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = field + "[" + i + "]";
      JsonNode item = array.get(i);
      if (!item.path(key).isTextual()) {
        throw new BundleException(file, where + "." + key + " is missing or not a string");
      }
      String input = item.get(key).asText();
      Path path = null;
      if (key.equals("file")) {
        path = dir.resolve(input).normalize();
        if (!path.startsWith(dir.normalize()) || !Files.isRegularFile(path)) {
          throw new BundleException(
              file, where + ".file " + input + " is not a file inside the bundle");
        }
      }
      float[] embedding = floats(file, where + ".embedding", item.path("embedding"));
      items.add(new Item(input, path, embedding, inputIds(file, where, item.path("input_ids"))));
    }
    return items;
  }

  private static long[] inputIds(Path file, String where, JsonNode ids) {
    if (ids.isMissingNode()) {
      return null;
    }
    if (!ids.isArray()) {
      throw new BundleException(file, where + ".input_ids must be a list of token ids");
    }
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      if (!ids.get(i).canConvertToLong()) {
        throw new BundleException(file, where + ".input_ids[" + i + "] is not an integer");
      }
      out[i] = ids.get(i).asLong();
    }
    return out;
  }
}
