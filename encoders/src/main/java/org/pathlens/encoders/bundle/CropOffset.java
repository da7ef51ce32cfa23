package org.pathlens.encoders.bundle;

/**
 * Where a center crop starts when the margin is odd. torchvision's {@code CenterCrop} (open_clip,
 * CONCH, timm) rounds half the margin to even; Hugging Face image processors ({@code
 * CLIPImageProcessor}, hence PLIP) floor it. A 231-pixel side cropped to 224 starts at 4 in the
 * first and at 3 in the second: one pixel, which moves every ViT patch.
 */
public enum CropOffset {
  /** {@code int(round((size - crop) / 2.0))}, Python's round: halves to even (torchvision). */
  ROUND,
  /** {@code (size - crop) // 2} (Hugging Face {@code image_transforms.center_crop}). */
  FLOOR;

  public static CropOffset parse(String value) {
    return switch (value) {
      case "round" -> ROUND;
      case "floor" -> FLOOR;
      default ->
          throw new IllegalArgumentException(
              "image.crop_offset must be \"round\" (torchvision) or \"floor\" (Hugging Face), got \""
                  + value
                  + "\"");
    };
  }
}
