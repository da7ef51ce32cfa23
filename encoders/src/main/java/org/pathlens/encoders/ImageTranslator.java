package org.pathlens.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import org.pathlens.encoders.preprocess.ImagePreprocessor;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Image to embedding: the bundle's preprocessing (resize, crop, normalise, exactly as the Python
 * reference), a float32 [3, S, S] tensor per image (stacked to [B, 3, S, S] by DJL's batchifier),
 * the normalised output.
 */
final class ImageTranslator implements Translator<RgbImage, float[]> {

  private final ImagePreprocessor preprocessor;
  private final int size;
  private final int embeddingDim;
  private final boolean fp16;
  private final String encoderFile;

  ImageTranslator(
      ImagePreprocessor preprocessor,
      int size,
      int embeddingDim,
      boolean fp16,
      String encoderFile) {
    this.preprocessor = preprocessor;
    this.size = size;
    this.embeddingDim = embeddingDim;
    this.fp16 = fp16;
    this.encoderFile = encoderFile;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, RgbImage image) {
    NDArray pixels =
        ctx.getNDManager().create(preprocessor.preprocess(image), new Shape(3, size, size));
    return new NDList(fp16 ? pixels.toType(DataType.FLOAT16, false) : pixels);
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    return EmbeddingOutput.toEmbedding(list, embeddingDim, encoderFile);
  }
}
