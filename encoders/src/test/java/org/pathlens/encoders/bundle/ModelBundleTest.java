package org.pathlens.encoders.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pathlens.encoders.BundleCopies;

/** Bundle files and model.json are validated at load, with messages naming the file and field. */
class ModelBundleTest {

  @TempDir Path tmp;

  @Test
  void loadsTheCommittedBundles() {
    ModelBundle bundle = ModelBundle.load(BundleCopies.tinyClip());
    ModelConfig config = bundle.config();
    assertEquals(List.of("input_ids"), config.text().inputs());
    assertEquals(ResizeMode.SQUASH, config.image().resize());
    assertEquals(Interpolation.BILINEAR, config.image().interpolation());
    assertEquals(64, bundle.contentHash().length());
  }

  @Test
  void contentHashChangesWithAnyFile() throws IOException {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    String before = ModelBundle.load(copy).contentHash();
    Files.writeString(
        copy.resolve("tokenizer.json"), Files.readString(copy.resolve("tokenizer.json")) + " ");
    assertNotEquals(before, ModelBundle.load(copy).contentHash());
  }

  @Test
  void notADirectory() {
    BundleException e =
        assertThrows(BundleException.class, () -> ModelBundle.load(tmp.resolve("nope")));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.json", "image_encoder.pt", "text_encoder.pt", "tokenizer.json"})
  void missingFileIsNamed(String name) throws IOException {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    Files.delete(copy.resolve(name));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertEquals(copy.resolve(name), e.file());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void malformedJsonGivesLineAndColumn() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(copy.resolve("model.json"), s -> s.replaceFirst("\\{", "{ \"name\" ,"));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(e.getMessage().contains("model.json: not valid JSON (line 1"), e.getMessage());
  }

  @Test
  void missingFieldIsNamed() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(
        copy.resolve("model.json"), s -> s.replace("\"embedding_dim\"", "\"embedding_size\""));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(e.getMessage().contains("field \"embedding_dim\" missing"), e.getMessage());
  }

  @Test
  void anAbsurdImageSizeIsNamedBeforeAnyArrayIsSized() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(
        copy.resolve("model.json"), s -> s.replaceFirst("\"size\": *\\d+", "\"size\": 100000"));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(
        e.getMessage().contains("image.size") && e.getMessage().contains("at most 4096"),
        e.getMessage());
  }

  @Test
  void unknownResizeModeIsNamed() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(copy.resolve("model.json"), s -> s.replace("\"squash\"", "\"longest\""));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(
        e.getMessage().contains("image.resize must be \"shortest\" or \"squash\", got \"longest\""),
        e.getMessage());
  }

  @Test
  void wrongTextInputsAreNamed() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(copy.resolve("model.json"), s -> s.replace("\"input_ids\"", "\"token_ids\""));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(e.getMessage().contains("field \"text.inputs\""), e.getMessage());
  }

  @Test
  void aPickledStateDictIsNotTorchScript() throws IOException {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    // torch.save of a plain pickle (protocol 2) starts with 0x80 0x02.
    Files.write(copy.resolve("image_encoder.pt"), new byte[] {(byte) 0x80, 2, 'c', 'c', 'o', 'l'});
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertEquals(copy.resolve("image_encoder.pt"), e.file());
    assertTrue(e.getMessage().contains("is not TorchScript"), e.getMessage());
  }

  @Test
  void anEmptyEncoderIsNamed() throws IOException {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    Files.write(copy.resolve("text_encoder.pt"), new byte[0]);
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(copy));
    assertTrue(e.getMessage().contains("text_encoder.pt: is empty"), e.getMessage());
  }
}
