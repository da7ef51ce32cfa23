package org.pathlens.encoders;

import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * A pre-projection image feature to its unit embedding through the bundle's image projection: one
 * float32 [D_pre] row in (batched to [B, D_pre]), the normalised [D] output back.
 */
final class FeatureTranslator implements Translator<float[], float[]> {

  private final int inputDim;
  private final int embeddingDim;
  private final String projectionFile;

  FeatureTranslator(int inputDim, int embeddingDim, String projectionFile) {
    this.inputDim = inputDim;
    this.embeddingDim = embeddingDim;
    this.projectionFile = projectionFile;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, float[] feature) {
    if (feature.length != inputDim) {
      throw new EncoderException(
          projectionFile
              + " takes features of "
              + inputDim
              + " values (model.json image.projection.input_dim), got "
              + feature.length);
    }
    return new NDList(ctx.getNDManager().create(feature));
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    return EmbeddingOutput.toEmbedding(list, embeddingDim, projectionFile);
  }
}
