package org.pathlens.encoders;

import java.nio.file.Path;
import java.util.List;
import org.pathlens.encoders.bundle.ImageProjectionConfig;

/**
 * A bundle's image projection ({@code image_projection.pt}): the model's own map from its image
 * features before the projection into the text space to its unit image embeddings. TRIDENT and CLAM
 * store CONCH v1's features before {@code proj_contrast}; through this they become comparable with
 * the bundle's text embeddings (the MI-Zero path of the CONCH code: {@code forward_project}, then
 * L2 normalisation). Thread-safe; forward passes are serialised.
 */
public final class ImageProjection implements AutoCloseable {

  private final TorchScriptEncoder<float[]> encoder;
  private final ImageProjectionConfig config;
  private final int embeddingDim;

  ImageProjection(
      TorchScriptEncoder<float[]> encoder, ImageProjectionConfig config, int embeddingDim) {
    this.encoder = encoder;
    this.config = config;
    this.embeddingDim = embeddingDim;
  }

  /** D_pre: the length of the features it takes. */
  public int inputDim() {
    return config.inputDim();
  }

  /** D: the length of the embeddings it returns, the bundle's {@code embedding_dim}. */
  public int embeddingDim() {
    return embeddingDim;
  }

  /** What the exporter traced it from, e.g. {@code visual.forward_project (proj_contrast)}. */
  public String from() {
    return config.from();
  }

  public Path file() {
    return encoder.file();
  }

  /**
   * The unit embeddings of {@code features}, in order; the features are not changed.
   *
   * @throws EncoderException when a feature is not {@link #inputDim()} long
   * @throws NonFiniteEmbeddingException after the batch, when some outputs were not finite
   */
  public List<float[]> project(List<float[]> features) {
    return encoder.encode(features);
  }

  @Override
  public void close() {
    encoder.close();
  }
}
