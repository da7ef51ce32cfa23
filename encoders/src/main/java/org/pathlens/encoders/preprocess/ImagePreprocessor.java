package org.pathlens.encoders.preprocess;

import java.nio.FloatBuffer;
import org.pathlens.encoders.bundle.ImageConfig;
import org.pathlens.encoders.bundle.ResizeMode;

/**
 * Turns a decoded image into the model's input tensor exactly as the Python reference does:
 * torchvision 0.14 {@code Resize} (+ {@code CenterCrop}) on a PIL image, then {@code ToTensor} and
 * {@code Normalize}.
 *
 * <ul>
 *   <li>{@link ResizeMode#SHORTEST}: {@code Resize(S)} then {@code CenterCrop(S)}. torchvision sets
 *       the short side to S and the long side to {@code int(S * long / short)} (truncated, not
 *       rounded); the crop is fused into the resize so discarded pixels are never computed.
 *   <li>{@link ResizeMode#SQUASH}: {@code Resize((S, S))}, aspect ratio not kept.
 *   <li>Tensor: CHW float32, {@code (v / 255 - mean[c]) / std[c]} in float arithmetic, as torch
 *       computes it; precomputed for the 256 values of each channel.
 * </ul>
 *
 * <p>Immutable and thread-safe: one instance serves all threads.
 */
public final class ImagePreprocessor {

  private final ImageConfig config;
  private final int size;

  /** lut[c * 256 + v]: normalised value of byte v in channel c. */
  private final float[] lut = new float[3 * 256];

  public ImagePreprocessor(ImageConfig config) {
    if (config.size() <= 0) {
      throw new IllegalArgumentException("image.size must be positive, got " + config.size());
    }
    if (config.mean() == null
        || config.mean().length != 3
        || config.std() == null
        || config.std().length != 3) {
      throw new IllegalArgumentException("image.mean and image.std must have 3 values (R, G, B)");
    }
    this.config = config;
    this.size = config.size();
    for (int c = 0; c < 3; c++) {
      float mean = config.mean()[c];
      float std = config.std()[c];
      if (std == 0f || !Float.isFinite(std) || !Float.isFinite(mean)) {
        throw new IllegalArgumentException(
            "image.std must be finite and non-zero and image.mean finite, channel " + c);
      }
      for (int v = 0; v < 256; v++) {
        // Same operations and rounding as torch: float(v) / 255, minus mean, divided by std.
        lut[c * 256 + v] = ((float) v / 255f - mean) / std;
      }
    }
  }

  public ImageConfig config() {
    return config;
  }

  /** Side S of the square model input. */
  public int size() {
    return size;
  }

  /** Number of floats in one image's tensor: 3 x S x S. */
  public int tensorLength() {
    return 3 * size * size;
  }

  /** The S x S uint8 image that torchvision hands to {@code ToTensor}. */
  public RgbImage resizeAndCrop(RgbImage image) {
    int w = image.width();
    int h = image.height();
    if (config.resize() == ResizeMode.SQUASH) {
      return PilResize.resize(image, size, size, config.interpolation());
    }
    // torchvision 0.14 _compute_resized_output_size: int(S * long / short), true division.
    int longSide = (int) ((double) ((long) size * Math.max(w, h)) / Math.min(w, h));
    int newW = w <= h ? size : longSide;
    int newH = w <= h ? longSide : size;
    return PilResize.resizeRegion(
        image,
        newW,
        newH,
        config.interpolation(),
        CenterCrop.offset(newW, size, config.cropOffset()),
        CenterCrop.offset(newH, size, config.cropOffset()),
        size,
        size);
  }

  /** {@code resizeAndCrop} then {@code toTensor}. */
  public float[] preprocess(RgbImage image) {
    return toTensor(resizeAndCrop(image));
  }

  /** {@code resizeAndCrop} then {@code toTensor} into {@code out} at {@code offset}. */
  public void preprocess(RgbImage image, float[] out, int offset) {
    toTensor(resizeAndCrop(image), out, offset);
  }

  /**
   * {@code resizeAndCrop} then {@code toTensor} into {@code out} at float index {@code offset},
   * e.g. a slot of a native batch buffer that libtorch reads in place.
   */
  public void preprocess(RgbImage image, FloatBuffer out, int offset) {
    toTensor(resizeAndCrop(image), out, offset);
  }

  /** The normalised CHW tensor of an S x S image, length {@link #tensorLength()}. */
  public float[] toTensor(RgbImage image) {
    float[] out = new float[tensorLength()];
    toTensor(image, out, 0);
    return out;
  }

  /**
   * Writes the normalised CHW tensor of an S x S image into {@code out[offset .. offset + 3 S S)},
   * e.g. one slot of a batch buffer.
   */
  public void toTensor(RgbImage image, float[] out, int offset) {
    toTensor(image, FloatBuffer.wrap(out), offset);
  }

  /**
   * Writes the normalised CHW tensor of an S x S image into {@code out} at float indices {@code
   * [offset .. offset + 3 S S)}, whatever the buffer's position (absolute puts).
   */
  public void toTensor(RgbImage image, FloatBuffer out, int offset) {
    if (image.width() != size || image.height() != size) {
      throw new IllegalArgumentException(
          "toTensor needs a "
              + size
              + "x"
              + size
              + " image, got "
              + image.width()
              + "x"
              + image.height()
              + "; call resizeAndCrop first");
    }
    int plane = size * size;
    if (offset < 0 || offset > out.limit() - 3 * plane) {
      throw new IndexOutOfBoundsException(
          "tensor of "
              + 3 * plane
              + " floats at offset "
              + offset
              + " overflows a buffer of "
              + out.limit());
    }
    byte[] rgb = image.rgb();
    int r = offset;
    int g = offset + plane;
    int b = offset + 2 * plane;
    for (int i = 0, p = 0; i < plane; i++, p += 3) {
      out.put(r + i, lut[rgb[p] & 0xFF]);
      out.put(g + i, lut[256 + (rgb[p + 1] & 0xFF)]);
      out.put(b + i, lut[512 + (rgb[p + 2] & 0xFF)]);
    }
  }
}
