package org.pathlens.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.pathlens.encoders.preprocess.ImagePreprocessor;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Image to embedding: the bundle's preprocessing (resize, crop, normalise, exactly as the Python
 * reference), one float32 [B, 3, S, S] tensor per batch, the normalised output per image.
 *
 * <p>Not thread-safe: one translator serves one predictor, whose calls {@link TorchScriptEncoder}
 * serialises (the batch buffer below is reused from one batch to the next).
 */
final class ImageTranslator implements Translator<RgbImage, float[]> {

  private final ImagePreprocessor preprocessor;
  private final int size;
  private final int embeddingDim;
  private final boolean fp16;
  private final String encoderFile;

  /**
   * The native memory libtorch reads each batch from, reused: grown when a larger batch comes,
   * freed by the GC when dropped (an automatic arena).
   */
  private ByteBuffer batchBuffer;

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

  /**
   * A batch as one tensor: each image is preprocessed straight into its slot of one native buffer,
   * which libtorch then reads in place (DJL's {@code create} of a direct buffer wraps it without a
   * copy on the CPU).
   *
   * <p>Why not a {@code float[]}: DJL copies a heap array into a fresh direct buffer for every
   * batch (19 MB at batch 32, 224 px), freed only when the GC gets to it. Those allocations took
   * the warm heap that libtorch's activations reuse (see {@link NativeAllocator}), and the demo
   * CNN's forward pass at batch 32 on two threads took 38–62 ms instead of 16 ms; the copy itself
   * took another 3–61 ms.
   */
  @Override
  public NDList batchProcessInput(TranslatorContext ctx, List<RgbImage> images) {
    int plane = 3 * size * size;
    long bytes = (long) images.size() * plane * Float.BYTES;
    ByteBuffer batch = batchBuffer(bytes);
    var floats = batch.asFloatBuffer();
    for (int i = 0; i < images.size(); i++) {
      preprocessor.preprocess(images.get(i), floats, i * plane);
    }
    NDArray pixels =
        ctx.getNDManager().create(batch, new Shape(images.size(), 3, size, size), DataType.FLOAT32);
    return new NDList(fp16 ? pixels.toType(DataType.FLOAT16, false) : pixels);
  }

  /**
   * A native-order view of exactly {@code bytes} bytes of the batch buffer, 64-byte aligned (a
   * cache line, and what oneDNN's vector loads prefer).
   */
  private ByteBuffer batchBuffer(long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new EncoderException(
          encoderFile + ": a batch of " + bytes + " bytes is too large; use a smaller --batch");
    }
    if (batchBuffer == null || batchBuffer.capacity() < bytes) {
      batchBuffer = Arena.ofAuto().allocate(bytes, 64).asByteBuffer();
    }
    return batchBuffer.slice(0, (int) bytes).order(ByteOrder.nativeOrder());
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    return EmbeddingOutput.toEmbedding(list, embeddingDim, encoderFile);
  }
}
