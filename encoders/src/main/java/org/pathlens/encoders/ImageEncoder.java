package org.pathlens.encoders;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.pathlens.encoders.preprocess.ImagePreprocessor;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;

/**
 * Embeds decoded RGB images with a bundle's image encoder, after the stain handling of its {@link
 * StainOptions} (none unless asked for with {@link #withStain}). Thread-safe.
 *
 * <p>Order of work per tile: stain normalisation at the tile's own resolution, then test-time
 * augmentation (the views of one tile go through the encoder in one forward pass; their unit
 * embeddings are averaged and re-normalised), then the bundle's resize, crop and normalisation.
 */
public final class ImageEncoder implements AutoCloseable {

  private final TorchScriptEncoder<RgbImage> encoder;
  private final ImagePreprocessor preprocessor;
  private final StainOptions stain;
  private final boolean ownsEncoder;

  ImageEncoder(TorchScriptEncoder<RgbImage> encoder, ImagePreprocessor preprocessor) {
    this(encoder, preprocessor, StainOptions.NONE, true);
  }

  private ImageEncoder(
      TorchScriptEncoder<RgbImage> encoder,
      ImagePreprocessor preprocessor,
      StainOptions stain,
      boolean ownsEncoder) {
    this.encoder = encoder;
    this.preprocessor = preprocessor;
    this.stain = stain;
    this.ownsEncoder = ownsEncoder;
  }

  /**
   * This encoder with {@code options}: a view sharing the loaded model (closing the view does
   * nothing; closing the model closes both).
   */
  public ImageEncoder withStain(StainOptions options) {
    return new ImageEncoder(encoder, preprocessor, options, false);
  }

  /** The stain handling applied before the model. */
  public StainOptions stain() {
    return stain;
  }

  /**
   * True when the stain normalisation is fitted per slide: callers that know a tile's slide pass
   * {@link #slideNormalizer} of a sample of its tiles to {@link #encode(List, UnaryOperator)}.
   */
  public boolean fitsPerSlide() {
    return !stain.normalization().isNone() && stain.normalization().fit() == StainFit.SLIDE;
  }

  /**
   * The per-tile normalisation (each image fitted on itself; the identity without normalisation).
   */
  public UnaryOperator<RgbImage> tileNormalizer() {
    StainNormalization normalization = stain.normalization();
    return normalization.isNone() ? UnaryOperator.identity() : normalization::normalize;
  }

  /**
   * The normalisation for the tiles of one slide: fitted once on {@code sample} (a few of its
   * tiles, see {@link StainNormalization#sample}) when fitting per slide, else the per-tile one.
   */
  public UnaryOperator<RgbImage> slideNormalizer(List<RgbImage> sample) {
    return fitsPerSlide() ? stain.normalization().fitSlide(sample) : tileNormalizer();
  }

  /**
   * Unit-norm embeddings of {@code images}, in order; each image is normalised as its own slide.
   */
  public List<float[]> encode(List<RgbImage> images) {
    return encode(images, tileNormalizer());
  }

  public float[] encode(RgbImage image) {
    return encode(List.of(image)).getFirst();
  }

  /**
   * Unit-norm embeddings of {@code images} (tiles of one slide), normalised by {@code normalizer}.
   */
  public List<float[]> encode(List<RgbImage> images, UnaryOperator<RgbImage> normalizer) {
    List<RgbImage> normalized = new ArrayList<>(images.size());
    for (RgbImage image : images) {
      normalized.add(normalizer.apply(image));
    }
    return encodeNormalized(normalized);
  }

  /**
   * Unit-norm embeddings of images already stain-normalised (e.g. by {@link #tileNormalizer} on a
   * decoding thread): test-time augmentation, then the model.
   *
   * @throws NonFiniteEmbeddingException when the model gave NaN or infinity for some images (one
   *     failed view fails its tile); it holds the other images' embeddings
   */
  public List<float[]> encodeNormalized(List<RgbImage> images) {
    StainAugmentation tta = stain.augmentation();
    if (tta.isIdentity()) {
      return encoder.encode(images);
    }
    int views = tta.views();
    int tilesPerPass = Math.max(1, encoder.batchSize() / views);
    List<float[]> out = new ArrayList<>(images.size());
    for (int from = 0; from < images.size(); from += tilesPerPass) {
      List<RgbImage> tiles = images.subList(from, Math.min(images.size(), from + tilesPerPass));
      List<RgbImage> batch = new ArrayList<>(tiles.size() * views);
      for (RgbImage tile : tiles) {
        batch.addAll(tta.views(tile));
      }
      List<float[]> embedded;
      try {
        embedded = encoder.encode(batch, batch.size());
      } catch (NonFiniteEmbeddingException e) {
        embedded = e.embeddings(); // null at each failed view
      }
      for (int t = 0; t < tiles.size(); t++) {
        List<float[]> tileViews = embedded.subList(t * views, (t + 1) * views);
        out.add(
            tileViews.contains(null) ? null : mean(tileViews)); // one failed view fails its tile
      }
    }
    return NonFiniteEmbeddingException.requireFinite(encoder.file().toString(), out);
  }

  /** The normalised mean of unit vectors. */
  private static float[] mean(List<float[]> vectors) {
    double[] sum = new double[vectors.getFirst().length];
    for (float[] v : vectors) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += v[i];
      }
    }
    float[] out = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      out[i] = (float) (sum[i] / vectors.size());
    }
    return Embeddings.l2Normalize(out);
  }

  /** The preprocessing this encoder applies, e.g. to show users the model's input crop. */
  public ImagePreprocessor preprocessor() {
    return preprocessor;
  }

  @Override
  public void close() {
    if (ownsEncoder) {
      encoder.close();
    }
  }
}
