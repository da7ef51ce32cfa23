package org.pathlens.encoders;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pathlens.encoders.bundle.BundleException;

/**
 * One TorchScript encoder of a bundle with its translator: batches inputs, runs them, returns unit
 * embeddings. DJL predictors are not thread-safe, so calls are serialised; the forward pass itself
 * uses libtorch's intra-op threads.
 */
final class TorchScriptEncoder<I> implements AutoCloseable {

  private final Path file;
  private final Model model;
  private final Predictor<I, float[]> predictor;
  private final int batchSize;

  private TorchScriptEncoder(
      Path file, Model model, Predictor<I, float[]> predictor, int batchSize) {
    this.file = file;
    this.model = model;
    this.predictor = predictor;
    this.batchSize = batchSize;
  }

  /** Loads {@code file} (e.g. {@code bundle/image_encoder.pt}) onto {@code device}. */
  static <I> TorchScriptEncoder<I> load(
      Path file, Translator<I, float[]> translator, Device device, EncoderOptions options) {
    String fileName = file.getFileName().toString();
    String prefix = fileName.substring(0, fileName.length() - ".pt".length());
    Model model = Model.newInstance(prefix, device, "PyTorch");
    try {
      // mapLocation loads weights saved on a GPU onto this device (CPU machines included).
      model.load(file.getParent(), prefix, Map.of("mapLocation", "true"));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new BundleException(file, "libtorch cannot load it as TorchScript: " + firstLine(e), e);
    }
    return new TorchScriptEncoder<>(
        file, model, model.newPredictor(translator), options.batchSize());
  }

  Path file() {
    return file;
  }

  int batchSize() {
    return batchSize;
  }

  /** Embeds every input, in order, {@code batchSize} at a time. */
  List<float[]> encode(List<I> inputs) {
    return encode(inputs, batchSize);
  }

  /**
   * Embeds every input, in order, {@code batchSize} per forward pass.
   *
   * @throws NonFiniteEmbeddingException after every batch ran, when some outputs were not finite
   */
  synchronized List<float[]> encode(List<I> inputs, int batchSize) {
    List<float[]> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += batchSize) {
      List<I> batch = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
      try {
        out.addAll(predictor.batchPredict(batch));
      } catch (TranslateException | RuntimeException e) {
        Throwable cause =
            e instanceof TranslateException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof EncoderException encoderError) {
          throw encoderError;
        }
        throw new EncoderException(file + ": inference failed: " + firstLine(cause), e);
      }
    }
    return NonFiniteEmbeddingException.requireFinite(file.toString(), out);
  }

  @Override
  public synchronized void close() {
    predictor.close();
    model.close();
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
