package org.pathlens.encoders.bundle;

/**
 * The image half of {@code model.json}: the preprocessing the model was trained with.
 *
 * @param size side of the square input in pixels
 * @param resize how the image is brought to {@code size}
 * @param interpolation resampling filter of the resize
 * @param mean per-channel mean subtracted after scaling to [0, 1]
 * @param std per-channel standard deviation divided by after subtracting the mean
 * @param cropOffset how the center crop places an odd margin (torchvision or Hugging Face)
 */
public record ImageConfig(
    int size,
    ResizeMode resize,
    Interpolation interpolation,
    float[] mean,
    float[] std,
    CropOffset cropOffset) {

  /** torchvision's preprocessing (crop offsets rounded), the contract's default. */
  public ImageConfig(
      int size, ResizeMode resize, Interpolation interpolation, float[] mean, float[] std) {
    this(size, resize, interpolation, mean, std, CropOffset.ROUND);
  }
}
