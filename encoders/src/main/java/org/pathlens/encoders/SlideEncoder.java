package org.pathlens.encoders;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.bundle.Canary;
import org.pathlens.encoders.bundle.SlideCanary;
import org.pathlens.encoders.bundle.SlideEncoderBundle;
import org.pathlens.encoders.bundle.SlideEncoderConfig;

/**
 * A loaded slide-encoder bundle: one slide's tile features and coordinates in, its unit slide
 * embedding out, through the bundle's TorchScript on DJL's PyTorch engine.
 *
 * <p>Loading runs the bundle's canary slides through the encoder and refuses the bundle when any
 * output is not finite or falls below {@link Canary#MIN_COSINE} of the Python module's: an engine
 * that computes other slide embeddings than the model's reference never computes one that is
 * stored. Thread-safe; forward passes are serialised.
 */
public final class SlideEncoder implements AutoCloseable {

  private final SlideEncoderBundle bundle;
  private final TorchScriptEncoder<SlideTiles> encoder;
  private CanaryCheck canary;

  private SlideEncoder(SlideEncoderBundle bundle, TorchScriptEncoder<SlideTiles> encoder) {
    this.bundle = bundle;
    this.encoder = encoder;
  }

  public static SlideEncoder load(Path bundleDir, EncoderOptions options) {
    return load(SlideEncoderBundle.load(bundleDir), options);
  }

  public static SlideEncoder load(SlideEncoderBundle bundle, EncoderOptions options) {
    Engine engine = TorchRuntime.engine(options.threads());
    Device device = TorchRuntime.device(options.device(), engine);
    SlideEncoderConfig config = bundle.config();
    SlideEncoder loaded =
        new SlideEncoder(
            bundle,
            TorchScriptEncoder.load(
                bundle.encoderFile(),
                new SlideTilesTranslator(
                    config.tileFeatures().inputDim(),
                    config.embeddingDim(),
                    bundle.encoderFile().toString()),
                device,
                options));
    try {
      loaded.canary = loaded.checkCanary(TorchRuntime.describe(device));
      return loaded;
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
  }

  public SlideEncoderBundle bundle() {
    return bundle;
  }

  /** The encoder's name: the method its slide vectors are stored under. */
  public String name() {
    return bundle.config().name();
  }

  /** What computes the slide embeddings, and how it did on the bundle's canary. */
  public CanaryCheck canary() {
    return canary;
  }

  /**
   * The unit slide embedding of {@code slide}.
   *
   * @throws EncoderException when the slide has more tiles than the encoder takes or features of
   *     another length, or the output is not one [D_s] vector
   * @throws NonFiniteEmbeddingException when the output is not finite
   */
  public float[] encode(SlideTiles slide) {
    int maxTiles = bundle.config().maxTiles();
    if (slide.size() > maxTiles) {
      throw new EncoderException(
          bundle.dir()
              + " takes at most "
              + maxTiles
              + " tiles of a slide (model.json max_tiles); this slide has "
              + slide.size());
    }
    float[] out = encoder.encode(List.of(slide), 1).getFirst();
    boolean zero = true;
    for (float v : out) {
      zero &= v == 0;
    }
    if (zero) {
      throw new EncoderException(
          bundle.encoderFile()
              + " returns a zero vector: it has no direction to compare slides by");
    }
    return Embeddings.l2Normalize(out);
  }

  private CanaryCheck checkCanary(String engine) {
    SlideCanary canary = bundle.canary();
    long start = System.nanoTime();
    double worst = Double.POSITIVE_INFINITY;
    String worstSlide = null;
    for (SlideCanary.Slide slide : canary.slides()) {
      float[] actual;
      try {
        actual = encode(new SlideTiles(slide.features(), slide.coords(), slide.patchSizeLevel0()));
      } catch (EncoderException e) {
        throw new BundleException(
            canary.file(),
            "canary check failed on slide \"" + slide.name() + "\": " + e.getMessage(),
            e);
      }
      if (actual.length != slide.embedding().length) {
        throw new BundleException(
            canary.file(),
            "the reference embedding of slide \""
                + slide.name()
                + "\" has "
                + slide.embedding().length
                + " values; the encoder returns embedding_dim = "
                + actual.length);
      }
      double cosine = Embeddings.dot(Embeddings.l2Normalize(slide.embedding().clone()), actual);
      if (!(cosine >= worst)) {
        worst = cosine;
        worstSlide = slide.name();
      }
    }
    CanaryCheck check =
        new CanaryCheck(
            engine, canary.slides().size(), worst, worstSlide, (System.nanoTime() - start) / 1e6);
    if (!check.passed()) {
      throw new BundleException(
          canary.file(),
          String.format(
              Locale.ROOT,
              "canary check failed: cosine %.5f to the encoder's Python reference for slide \"%s\""
                  + " (every slide needs %s) with %s; this engine computes other slide embeddings"
                  + " than the reference, so PathLens will not run it. Likely remedy: check that"
                  + " canary.json was written from this slide_encoder.pt (re-run the exporter), and"
                  + " compare with another --threads or --device",
              worst,
              worstSlide,
              Canary.MIN_COSINE,
              engine));
    }
    return check;
  }

  @Override
  public void close() {
    encoder.close();
  }
}
