package org.pathlens.encoders;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import org.pathlens.encoders.bundle.TextConfig;

/**
 * Text to embedding: tokenises to exactly {@code context_length} ids (padded and truncated the
 * HuggingFace way), feeds {@code input_ids} and, when the bundle declares it, {@code
 * attention_mask}; normalises the output.
 */
final class TextTranslator implements Translator<String, float[]> {

  private final BundleTokenizer tokenizer;
  private final TextConfig config;
  private final int embeddingDim;
  private final String encoderFile;

  TextTranslator(
      BundleTokenizer tokenizer, TextConfig config, int embeddingDim, String encoderFile) {
    this.tokenizer = tokenizer;
    this.config = config;
    this.embeddingDim = embeddingDim;
    this.encoderFile = encoderFile;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, String text) {
    Encoding encoding = tokenizer.encode(text);
    NDManager manager = ctx.getNDManager();
    NDList inputs = new NDList(manager.create(encoding.getIds()));
    if (config.takesAttentionMask()) {
      inputs.add(manager.create(encoding.getAttentionMask()));
    }
    return inputs;
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    return EmbeddingOutput.toEmbedding(list, embeddingDim, encoderFile);
  }
}
