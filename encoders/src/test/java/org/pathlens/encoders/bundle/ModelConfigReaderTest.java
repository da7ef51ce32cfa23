package org.pathlens.encoders.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pathlens.encoders.BundleCopies;
import org.pathlens.encoders.text.TextCleaning;

/**
 * model.json field by field: what is accepted, and the message of what is not. A value of the wrong
 * JSON type is refused as a missing one is, never coerced ("64" is not 64, nor "NaN" a number).
 */
class ModelConfigReaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** The committed tiny-clip model.json with {@code field} (a dotted path) set to {@code json}. */
  private Path with(String field, String json) throws IOException {
    return edited(
        root -> {
          int dot = field.lastIndexOf('.');
          ObjectNode parent =
              dot < 0
                  ? root
                  : (ObjectNode) root.at("/" + field.substring(0, dot).replace('.', '/'));
          String key = field.substring(dot + 1);
          try {
            if (json.equals("absent")) {
              parent.remove(key);
            } else {
              parent.set(key, JSON.readTree(json));
            }
          } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
          }
        });
  }

  private Path edited(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root =
        (ObjectNode) JSON.readTree(BundleCopies.tinyClip().resolve("model.json").toFile());
    edit.accept(root);
    Path file = tmp.resolve("model.json");
    JSON.writeValue(file.toFile(), root);
    return file;
  }

  private String error(Path file) {
    return assertThrows(BundleException.class, () -> ModelConfigReader.read(file))
        .getMessage()
        .substring(file.toString().length() + 2);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          name                | 5                 | field "name" missing or not a non-empty string
          name                | " "               | field "name" missing or not a non-empty string
          embedding_dim       | "64"              | field "embedding_dim" missing or not a positive integer
          embedding_dim       | 64.0              | field "embedding_dim" missing or not a positive integer
          embedding_dim       | 3000000000        | field "embedding_dim" missing or not a positive integer
          embedding_dim       | 0                 | field "embedding_dim" missing or not a positive integer
          logit_scale         | "100"             | field "logit_scale" missing or not a number
          logit_scale         | "NaN"             | field "logit_scale" missing or not a number
          logit_scale         | "Infinity"        | field "logit_scale" missing or not a number
          logit_scale         | 0                 | field "logit_scale" must be a positive number (the exp'd scale, e.g. 100.0)
          image               | "x"               | field "image" missing or not an object
          image               | []                | field "image" missing or not an object
          text                | null              | field "text" missing or not an object
          image.size          | true              | field "image.size" missing or not a positive integer
          image.resize        | 1                 | field "image.resize" missing or not a non-empty string
          image.interpolation | ""                | field "image.interpolation" missing or not a non-empty string
          image.crop_offset   | null              | field "image.crop_offset" missing or not a non-empty string
          image.crop_offset   | 5                 | field "image.crop_offset" missing or not a non-empty string
          image.crop_offset   | "ceil"            | image.crop_offset must be "round" (torchvision) or "floor" (Hugging Face), got "ceil"
          image.feature       | 5                 | image.feature must be "projected" or "pre-projection", got "5"
          image.feature       | {}                | image.feature must be "projected" or "pre-projection", got ""
          image.mean          | [0.5, 0.5]        | field "image.mean" must be an array of 3 numbers (R, G, B)
          image.mean          | ["NaN", 0.5, 0.5] | field "image.mean" must be an array of 3 numbers (R, G, B)
          image.mean          | [null, 0.5, 0.5]  | field "image.mean" must be an array of 3 numbers (R, G, B)
          image.std           | "0.5"             | field "image.std" must be an array of 3 numbers (R, G, B)
          image.std           | [0.5, 0, 0.5]     | field "image.std" values must be positive
          text.context_length | -1                | field "text.context_length" missing or not a positive integer
          image.projection    | "proj"            | field "image.projection" must be an object with "input_dim"
          image.projection    | {}                | field "image.projection.input_dim" missing or not a positive integer
          image.projection    | {"input_dim": 0}  | field "image.projection.input_dim" missing or not a positive integer
          aka                 | "conch_v1"        | field "aka" must be a list of names (e.g. ["conch_v1"])
          aka                 | ["conch_v1", ""]  | field "aka" must be a list of names (e.g. ["conch_v1"])
          aka                 | null              | field "aka" must be a list of names (e.g. ["conch_v1"])
          text.inputs         | "input_ids"       | field "text.inputs" missing; must be ["input_ids"] or ["input_ids", "attention_mask"]
          text.inputs         | ["input_ids", 5]  | field "text.inputs" is [input_ids, 5]; must be ["input_ids"] or ["input_ids", "attention_mask"]
          text.inputs         | [null]            | field "text.inputs" is [null]; must be ["input_ids"] or ["input_ids", "attention_mask"]
          text.pad_id         | -1                | field "text.pad_id" missing or not a non-negative integer
          text.pad_id         | 1.0               | field "text.pad_id" missing or not a non-negative integer
          text.pad_id         | absent            | field "text.pad_id" missing or not a non-negative integer
          text.clean          | "open_clip"       | field "text.clean" must be a list of cleaning steps, e.g. ["ftfy", "html.unescape", "html.unescape", "whitespace"]
          text.clean          | null              | field "text.clean" must be a list of cleaning steps, e.g. ["ftfy", "html.unescape", "html.unescape", "whitespace"]
          text.clean          | ["ftfy", 5]       | field "text.clean" must be a list of cleaning steps, e.g. ["ftfy", "html.unescape", "html.unescape", "whitespace"]; got ["ftfy",5]
          text.clean          | ["lower"]         | field "text.clean" has an unknown cleaning step "lower"; PathLens knows "ftfy", "html.unescape", "whitespace"
          """)
  void aWrongValueIsNamedWithWhatTheFieldTakes(String field, String json, String message)
      throws IOException {
    assertEquals(message, error(with(field, json)));
  }

  @Test
  void aNumberTooLargeForADoubleIsNotAScale() throws IOException {
    Path file = tmp.resolve("model.json");
    Files.writeString(
        file,
        Files.readString(BundleCopies.tinyClip().resolve("model.json"))
            .replace("\"logit_scale\": 100.0", "\"logit_scale\": 1e400"));
    assertEquals(
        "field \"logit_scale\" must be a positive number (the exp'd scale, e.g. 100.0)",
        error(file));
  }

  @Test
  void ofSeveralFaultsTheFirstInFieldOrderIsNamed() throws IOException {
    Path file =
        edited(
            root -> {
              ((ObjectNode) root.get("text")).put("pad_id", "x");
              ((ObjectNode) root.get("image")).put("size", 1.5);
              root.remove("name");
            });
    assertEquals("field \"name\" missing or not a non-empty string", error(file));
  }

  @Test
  void optionalFieldsHaveDefaultsAndNumbersAreReadAsDoubles() throws IOException {
    Path file =
        edited(
            root -> {
              ((ObjectNode) root.get("image")).putNull("feature");
              ((ObjectNode) root.get("image"))
                  .set("mean", JSON.createArrayNode().add(0.48145466).add(1).add(0.1f));
            });
    ModelConfig config = ModelConfigReader.read(file);
    assertEquals(ImageFeature.PROJECTED, config.imageFeature());
    assertEquals(CropOffset.ROUND, config.image().cropOffset());
    assertArrayEquals(
        new float[] {(float) 0.48145466, 1f, (float) Double.parseDouble(Float.toString(0.1f))},
        config.image().mean());
    assertEquals(List.of("input_ids"), config.text().inputs());
    assertEquals(1113, config.text().padId());
  }

  @Test
  void cropOffsetAndFeatureAreRead() throws IOException {
    Path file =
        edited(
            root -> {
              ((ObjectNode) root.get("image")).put("crop_offset", "floor");
              ((ObjectNode) root.get("image")).put("feature", "pre-projection");
            });
    ModelConfig config = ModelConfigReader.read(file);
    assertEquals(CropOffset.FLOOR, config.image().cropOffset());
    assertEquals(ImageFeature.PRE_PROJECTION, config.imageFeature());
  }

  @Test
  void projectionAndOtherNamesAreRead() throws IOException {
    Path file =
        edited(
            root -> {
              ((ObjectNode) root.get("image"))
                  .putObject("projection")
                  .put("input_dim", 768)
                  .put("from", " visual.proj ");
              root.putArray("aka").add("conch_v1").add("CONCH");
            });
    ModelConfig config = ModelConfigReader.read(file);
    assertEquals(768, config.imageProjection().inputDim());
    assertEquals("visual.proj", config.imageProjection().from());
    assertEquals(List.of("conch_v1", "CONCH"), config.aka());
    ModelConfig plain = ModelConfigReader.read(edited(root -> {}));
    assertEquals(null, plain.imageProjection());
    assertEquals(List.of(), plain.aka());
  }

  @Test
  void textCleaningStepsAreReadInOrderAndNoneWithoutTheField() throws IOException {
    ModelConfig config =
        ModelConfigReader.read(
            with("text.clean", "[\"ftfy\", \"html.unescape\", \"html.unescape\", \"whitespace\"]"));
    assertEquals(
        List.of(
            TextCleaning.Step.FTFY,
            TextCleaning.Step.HTML_UNESCAPE,
            TextCleaning.Step.HTML_UNESCAPE,
            TextCleaning.Step.WHITESPACE),
        config.text().clean().steps());
    assertEquals(TextCleaning.NONE, ModelConfigReader.read(edited(root -> {})).text().clean());
    assertEquals(
        List.of(), ModelConfigReader.read(with("text.clean", "[]")).text().clean().steps());
  }
}
