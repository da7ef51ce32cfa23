package org.pathlens.encoders;

import java.util.List;

/** Embeds text (prompts, captions, queries) with a bundle's text encoder. Thread-safe. */
public final class TextEncoder implements AutoCloseable {

  private final TorchScriptEncoder<String> encoder;
  private final BundleTokenizer tokenizer;

  TextEncoder(TorchScriptEncoder<String> encoder, BundleTokenizer tokenizer) {
    this.encoder = encoder;
    this.tokenizer = tokenizer;
  }

  /**
   * Unit-norm embeddings of {@code texts}, in order.
   *
   * @throws org.pathlens.encoders.text.UncleanableTextException before any inference, for a text
   *     the model's own cleaning would repair in a way PathLens does not (see {@link
   *     BundleTokenizer#clean})
   */
  public List<float[]> encode(List<String> texts) {
    texts.forEach(tokenizer::clean);
    return encoder.encode(texts);
  }

  public float[] encode(String text) {
    return encode(List.of(text)).getFirst();
  }

  /** True when calls whose passes hold {@code inputs} texts now run single-threaded. */
  boolean runsSingleThreaded(int inputs) {
    return encoder.isTiny(inputs);
  }

  /** The tokenizer the encoder feeds; exposed for inspection and tests. */
  public BundleTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public void close() {
    encoder.close();
    tokenizer.close();
  }
}
