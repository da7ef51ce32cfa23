package org.pathlens.encoders;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.bundle.TextConfig;

/**
 * The bundle's {@code tokenizer.json} loaded through DJL's HuggingFace tokenizers binding, fixed to
 * the bundle's context length: special tokens added, content truncated to leave room for them,
 * padded to {@code context_length}. Checked at load against {@code model.json}'s {@code pad_id}
 * because DJL pads with id 0 unless the file has a {@code padding} section. Texts are cleaned first
 * as {@code model.json}'s {@code text.clean} says.
 */
public final class BundleTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final TextConfig config;

  private BundleTokenizer(HuggingFaceTokenizer tokenizer, TextConfig config) {
    this.tokenizer = tokenizer;
    this.config = config;
  }

  public static BundleTokenizer load(Path file, TextConfig config) {
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(file)
              .optAddSpecialTokens(true)
              .optMaxLength(config.contextLength())
              .optTruncation(true)
              .optPadToMaxLength()
              .build();
    } catch (Exception | UnsatisfiedLinkError e) {
      throw new BundleException(
          file, "not a HuggingFace tokenizers file: " + TorchScriptEncoder.firstLine(e), e);
    }
    BundleTokenizer loaded = new BundleTokenizer(tokenizer, config);
    loaded.checkPadding(file);
    return loaded;
  }

  /**
   * Token ids and attention mask of {@code text}, both exactly {@code context_length} long: the
   * text first cleaned as the model family's own code does ({@code text.clean}, none when the
   * bundle records none).
   *
   * @throws org.pathlens.encoders.text.UncleanableTextException where that cleaning would repair
   *     mojibake, which PathLens does not reproduce
   */
  public Encoding encode(String text) {
    return tokenizer.encode(clean(text));
  }

  /**
   * {@code text} as the model family's own code hands it to its tokenizer ({@code model.json}'s
   * {@code text.clean}; unchanged where the bundle records none).
   *
   * @throws org.pathlens.encoders.text.UncleanableTextException where that cleaning would repair
   *     mojibake, which PathLens does not reproduce
   */
  public String clean(String text) {
    return config.clean().clean(text);
  }

  private void checkPadding(Path file) {
    Encoding empty = tokenizer.encode("");
    long[] ids = empty.getIds();
    long[] mask = empty.getAttentionMask();
    if (ids.length != config.contextLength()) {
      throw new BundleException(
          file,
          "gives "
              + ids.length
              + " tokens for an empty text; model.json text.context_length is "
              + config.contextLength());
    }
    if (mask[mask.length - 1] == 0 && ids[ids.length - 1] != config.padId()) {
      throw new BundleException(
          file,
          "pads with id "
              + ids[ids.length - 1]
              + " but model.json text.pad_id is "
              + config.padId()
              + "; add a \"padding\" section with \"pad_id\": "
              + config.padId()
              + " to tokenizer.json (ids of \"\": "
              + Arrays.toString(Arrays.copyOf(ids, Math.min(8, ids.length)))
              + "...)");
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
