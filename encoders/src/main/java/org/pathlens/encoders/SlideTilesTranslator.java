package org.pathlens.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * One slide to a slide encoder's inputs (features float32 [N, D], coords int64 [N, 2],
 * patch_size_level0 int64 scalar) and its [D_s] output back, unnormalised. No batchifier: each
 * slide is one forward pass, N differs from slide to slide.
 */
final class SlideTilesTranslator implements Translator<SlideTiles, float[]> {

  private final int inputDim;
  private final int embeddingDim;
  private final String encoderFile;

  SlideTilesTranslator(int inputDim, int embeddingDim, String encoderFile) {
    this.inputDim = inputDim;
    this.embeddingDim = embeddingDim;
    this.encoderFile = encoderFile;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, SlideTiles slide) {
    int n = slide.size();
    float[] features = new float[n * inputDim];
    long[] coords = new long[n * 2];
    for (int i = 0; i < n; i++) {
      if (slide.features()[i].length != inputDim) {
        throw new EncoderException(
            encoderFile
                + " takes tile features of "
                + inputDim
                + " values (model.json tile_features.input_dim); tile "
                + i
                + " has "
                + slide.features()[i].length);
      }
      System.arraycopy(slide.features()[i], 0, features, i * inputDim, inputDim);
      coords[2 * i] = slide.coords()[i][0];
      coords[2 * i + 1] = slide.coords()[i][1];
    }
    NDManager manager = ctx.getNDManager();
    return new NDList(
        manager.create(features, new Shape(n, inputDim)),
        manager.create(coords, new Shape(n, 2)),
        manager.create(slide.patchSizeLevel0()));
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    if (list.size() != 1) {
      throw new EncoderException(
          encoderFile
              + " returns "
              + list.size()
              + " tensors; the slide-encoder contract asks for one [D_s] tensor");
    }
    NDArray out = list.get(0);
    long[] shape = out.getShape().getShape();
    if (shape.length != 1 || shape[0] != embeddingDim) {
      throw new EncoderException(
          encoderFile
              + " returns shape "
              + out.getShape()
              + " for a slide; model.json embedding_dim is "
              + embeddingDim
              + " (expected ["
              + embeddingDim
              + "])");
    }
    return out.toType(DataType.FLOAT32, false).toFloatArray();
  }

  @Override
  public Batchifier getBatchifier() {
    return null;
  }
}
