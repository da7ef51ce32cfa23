package org.pathlens.encoders;

import java.util.List;
import org.pathlens.encoders.preprocess.ImagePreprocessor;
import org.pathlens.encoders.preprocess.RgbImage;

/** Embeds decoded RGB images with a bundle's image encoder. Thread-safe. */
public final class ImageEncoder implements AutoCloseable {

  private final TorchScriptEncoder<RgbImage> encoder;
  private final ImagePreprocessor preprocessor;

  ImageEncoder(TorchScriptEncoder<RgbImage> encoder, ImagePreprocessor preprocessor) {
    this.encoder = encoder;
    this.preprocessor = preprocessor;
  }

  /** Unit-norm embeddings of {@code images}, in order. */
  public List<float[]> encode(List<RgbImage> images) {
    return encoder.encode(images);
  }

  public float[] encode(RgbImage image) {
    return encoder.encode(List.of(image)).getFirst();
  }

  /** The preprocessing this encoder applies, e.g. to show users the model's input crop. */
  public ImagePreprocessor preprocessor() {
    return preprocessor;
  }


  @Override
  public void close() {
    encoder.close();
  }
}
