package org.pathlens.encoders;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.bundle.Canary;
import org.pathlens.encoders.bundle.ImageProjectionConfig;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.encoders.bundle.ModelConfig;
import org.pathlens.encoders.preprocess.ImagePreprocessor;
import org.pathlens.encoders.preprocess.RgbImage;
import org.slf4j.LoggerFactory;

/**
 * A loaded model bundle: its image and text encoders on one device, embedding into one space.
 *
 * <p>Loading runs one probe input through each encoder, so that a bundle whose TorchScript does not
 * accept the declared inputs or does not return {@code embedding_dim} outputs fails here, with the
 * file named, and not on a user's first query. Then it runs the bundle's canary ({@link
 * CanaryCheck}): an engine that computes other embeddings than the model's Python reference is
 * refused before it computes anything else. A bundle without a canary loads with a one-line notice.
 */
public final class VisionLanguageModel implements AutoCloseable {

  private final ModelBundle bundle;
  private final Device device;
  private final ImageEncoder images;
  private final TextEncoder texts;
  private final ImageProjection projection;
  private final boolean halfPrecision;
  private CanaryCheck canary;

  private VisionLanguageModel(
      ModelBundle bundle,
      Device device,
      ImageEncoder images,
      TextEncoder texts,
      ImageProjection projection,
      boolean halfPrecision) {
    this.bundle = bundle;
    this.projection = projection;
    this.halfPrecision = halfPrecision;
    this.device = device;
    this.images = images;
    this.texts = texts;
  }

  public static VisionLanguageModel load(Path bundleDir, EncoderOptions options) {
    return load(ModelBundle.load(bundleDir), options);
  }

  public static VisionLanguageModel load(ModelBundle bundle, EncoderOptions options) {
    Engine engine = TorchRuntime.engine(options.threads());
    Device device = TorchRuntime.device(options.device(), engine);
    if (options.fp16() && !device.isGpu()) {
      throw new IllegalArgumentException("fp16 needs a GPU; inference runs on " + device);
    }
    ModelConfig config = bundle.config();
    ImagePreprocessor preprocessor = new ImagePreprocessor(config.image());
    ImageTranslator imageTranslator =
        new ImageTranslator(
            preprocessor,
            config.image().size(),
            config.embeddingDim(),
            options.fp16(),
            bundle.imageEncoderFile().toString());
    BundleTokenizer tokenizer = BundleTokenizer.load(bundle.tokenizerFile(), config.text());
    TorchScriptEncoder<RgbImage> imageModel = null;
    TorchScriptEncoder<String> textModel = null;
    TorchScriptEncoder<float[]> projectionModel = null;
    try {
      imageModel =
          TorchScriptEncoder.load(bundle.imageEncoderFile(), imageTranslator, device, options);
      textModel =
          TorchScriptEncoder.load(
              bundle.textEncoderFile(),
              new TextTranslator(
                  tokenizer,
                  config.text(),
                  config.embeddingDim(),
                  bundle.textEncoderFile().toString()),
              device,
              options);
      ImageProjectionConfig projectionConfig = config.imageProjection();
      if (projectionConfig != null) {
        projectionModel =
            TorchScriptEncoder.load(
                bundle.imageProjectionFile(),
                new FeatureTranslator(
                    projectionConfig.inputDim(),
                    config.embeddingDim(),
                    bundle.imageProjectionFile().toString()),
                device,
                options);
      }
      VisionLanguageModel model =
          new VisionLanguageModel(
              bundle,
              device,
              new ImageEncoder(imageModel, preprocessor),
              new TextEncoder(textModel, tokenizer),
              projectionModel == null
                  ? null
                  : new ImageProjection(projectionModel, projectionConfig, config.embeddingDim()),
              options.fp16());
      model.probe();
      model.canary =
          bundle.canary() == null
              ? CanaryCheck.absent(TorchRuntime.describe(device))
              : CanaryCheck.run(
                  bundle, model.images, model.texts, model.projection, device, options.fp16());
      if (bundle.canary() == null) {
        LoggerFactory.getLogger(VisionLanguageModel.class)
            .warn(
                "{}: no {}: PathLens cannot check that this engine ({})"
                    + " computes the embeddings of the model's reference; exporters write one",
                bundle.dir(),
                Canary.FILE,
                model.canary.engine());
      }
      if (model.projection != null
          && bundle.canary() != null
          && bundle.canary().projections().isEmpty()) {
        LoggerFactory.getLogger(VisionLanguageModel.class)
            .warn(
                "{}: {} lists no \"projections\": PathLens cannot check that {} computes what the"
                    + " model's own projection does; exporters write them",
                bundle.dir(),
                Canary.FILE,
                ModelBundle.IMAGE_PROJECTION_FILE);
      }
      return model;
    } catch (RuntimeException e) {
      if (imageModel != null) {
        imageModel.close();
      }
      if (textModel != null) {
        textModel.close();
      }
      if (projectionModel != null) {
        projectionModel.close();
      }
      tokenizer.close();
      throw e;
    }
  }

  /** Runs a grey image and a short text through the encoders: shapes and inputs must fit. */
  private void probe() {
    int size = bundle.config().image().size();
    byte[] grey = new byte[size * size * 3];
    Arrays.fill(grey, (byte) 128);
    try {
      images.encode(new RgbImage(size, size, grey));
    } catch (EncoderException e) {
      String input = halfPrecision ? "float16" : "float32";
      String hint =
          halfPrecision
              ? " (with fp16 the image encoder must be exported in half precision: model.half() before torch.jit.trace)"
              : "";
      throw new BundleException(
          bundle.imageEncoderFile(),
          "fails on a [1, 3, "
              + size
              + ", "
              + size
              + "] "
              + input
              + " input: "
              + e.getMessage()
              + hint,
          e);
    }
    try {
      texts.encode("an H&E image of tissue.");
    } catch (EncoderException e) {
      throw new BundleException(
          bundle.textEncoderFile(),
          "fails on int64 inputs "
              + bundle.config().text().inputs()
              + " of shape [1, "
              + bundle.config().text().contextLength()
              + "]: "
              + e.getMessage(),
          e);
    }
    if (projection != null) {
      float[] feature = new float[projection.inputDim()];
      Arrays.fill(feature, 1f);
      try {
        projection.project(List.of(feature));
      } catch (EncoderException e) {
        throw new BundleException(
            projection.file(),
            "fails on a [1, "
                + projection.inputDim()
                + "] float32 input (model.json image.projection.input_dim): "
                + e.getMessage(),
            e);
      }
    }
  }

  public ModelBundle bundle() {
    return bundle;
  }

  /** What computes the embeddings, and how it did on the bundle's canary. */
  public CanaryCheck canary() {
    return canary;
  }

  public Device device() {
    return device;
  }

  public ImageEncoder images() {
    return images;
  }

  /**
   * The text encoder; refused for a bundle whose image embeddings are pre-projection features,
   * where a text-to-image cosine would be a number without meaning.
   */
  public TextEncoder texts() {
    if (!bundle.config().textComparable()) {
      throw new TextNotComparableException(bundle.dir().resolve("model.json"));
    }
    return texts;
  }

  /**
   * The bundle's projection of pre-projection image features into its embedding space, when it
   * carries one ({@code image.projection}).
   */
  public Optional<ImageProjection> projection() {
    return Optional.ofNullable(projection);
  }

  /** The exp'd temperature: probabilities are softmax(logitScale × cosine). */
  public double logitScale() {
    return bundle.config().logitScale();
  }

  @Override
  public void close() {
    images.close();
    texts.close();
    if (projection != null) {
      projection.close();
    }
  }
}
