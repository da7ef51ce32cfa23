package org.pathlens.encoders;

/**
 * How encoders run.
 *
 * @param device where inference runs
 * @param fp16 feed float16 images, for a bundle whose encoders were exported in half precision
 *     ({@code model.half()} before tracing; GPU only). DJL cannot cast a loaded TorchScript module,
 *     so the precision is chosen at export.
 * @param batchSize inputs per forward pass
 * @param threads libtorch intra-op threads; 0 for one per processor this JVM may use (container
 *     limits counted: {@link TorchRuntime#engine}). Set it when PathLens runs its own worker pools
 *     beside inference, so the two do not oversubscribe cores.
 */
public record EncoderOptions(DeviceChoice device, boolean fp16, int batchSize, int threads) {

  public static final int DEFAULT_BATCH_SIZE = 32;

  public EncoderOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (default) or positive, got " + threads);
    }
  }

  public static EncoderOptions defaults() {
    return new EncoderOptions(DeviceChoice.AUTO, false, DEFAULT_BATCH_SIZE, 0);
  }

  public EncoderOptions withBatchSize(int size) {
    return new EncoderOptions(device, fp16, size, threads);
  }

  public EncoderOptions withThreads(int count) {
    return new EncoderOptions(device, fp16, batchSize, count);
  }

  public EncoderOptions withDevice(DeviceChoice choice) {
    return new EncoderOptions(choice, fp16, batchSize, threads);
  }

  public EncoderOptions withFp16(boolean half) {
    return new EncoderOptions(device, half, batchSize, threads);
  }

  /** Where inference runs. */
  public enum DeviceChoice {
    /** The first GPU when libtorch sees one, else the CPU. */
    AUTO,
    CPU,
    GPU
  }
}
