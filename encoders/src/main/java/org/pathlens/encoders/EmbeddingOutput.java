package org.pathlens.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/** Turns one item of an encoder's output into a unit-norm embedding, checking its shape. */
final class EmbeddingOutput {

  private EmbeddingOutput() {}

  static float[] toEmbedding(NDList output, int embeddingDim, String encoderFile) {
    if (output.size() != 1) {
      throw new EncoderException(
          encoderFile
              + " returns "
              + output.size()
              + " tensors; the bundle contract asks for one [B, "
              + embeddingDim
              + "] tensor");
    }
    NDArray item = output.get(0);
    long[] shape = item.getShape().getShape();
    if (shape.length != 1 || shape[0] != embeddingDim) {
      throw new EncoderException(
          encoderFile
              + " returns shape "
              + item.getShape()
              + " per input; model.json embedding_dim is "
              + embeddingDim
              + " (expected [B, "
              + embeddingDim
              + "])");
    }
    return Embeddings.l2Normalize(item.toType(DataType.FLOAT32, false).toFloatArray());
  }
}
