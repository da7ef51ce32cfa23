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
import java.util.concurrent.atomic.AtomicLongArray;
import org.pathlens.encoders.bundle.BundleException;

/**
 * One TorchScript encoder of a bundle with its translator: batches inputs, runs them, returns unit
 * embeddings. DJL predictors are not thread-safe, so forward passes are serialised; each pass uses
 * libtorch's intra-op threads.
 *
 * <p>Tiny passes run single-threaded. On the CPU, once a pass of some size (classes 1, 2–3, 4–7,
 * 8–15 inputs) has taken less than {@value #TINY_PASS_NANOS} ns on every intra-op thread, passes of
 * that size run on the {@link SingleThreadLane} (from then on, within the same call too). Below
 * that time OpenMP's fork and join cost more than a second thread gives back. Measured with the
 * demo bundle on two cores:
 *
 * <ul>
 *   <li>text, 1 prompt per pass: 1.4 ms on two threads, 0.7 ms on one;
 *   <li>text, 8 per pass: 3.8 ms on two, 3.6 ms on one;
 *   <li>images, 4 per pass: 4.1 ms on two, 3.9 ms on one;
 *   <li>images, 8 per pass: 7.0 ms on two, 7.4 ms on one; at 16, two threads win clearly.
 * </ul>
 *
 * <p>The limit sits between the slowest pass where one thread still won (3.8 ms) and where two did
 * (7.0 ms), clear of a single tile's 2–3 ms on a noisy machine.
 *
 * <p>A large model never takes the lane: a ViT-B/16 text pass of one prompt took 67 ms on two
 * threads, 90 ms on one. The rule is a time, not a size, for that reason.
 */
final class TorchScriptEncoder<I> implements AutoCloseable {

  /** Passes faster than this on every intra-op thread run single-threaded instead. */
  static final long TINY_PASS_NANOS = 5_000_000;

  /** Passes of this many inputs or more always use every intra-op thread. */
  static final int ALWAYS_PARALLEL = 16;

  private final Path file;
  private final Model model;
  private final Predictor<I, float[]> predictor;
  private final int batchSize;

  /** Where tiny passes run; null on a GPU or where every thread already runs single-threaded. */
  private final SingleThreadLane lane;

  /** The fastest pass seen on every intra-op thread, per size class, in ns. */
  private final AtomicLongArray fastestParallelPass =
      new AtomicLongArray(Integer.numberOfTrailingZeros(ALWAYS_PARALLEL));

  private TorchScriptEncoder(
      Path file,
      Model model,
      Predictor<I, float[]> predictor,
      int batchSize,
      SingleThreadLane lane) {
    this.file = file;
    this.model = model;
    this.predictor = predictor;
    this.batchSize = batchSize;
    this.lane = lane != null && lane.active() ? lane : null;
    for (int c = 0; c < fastestParallelPass.length(); c++) {
      fastestParallelPass.set(c, Long.MAX_VALUE);
    }
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
        file,
        model,
        model.newPredictor(translator),
        options.batchSize(),
        device.isGpu() ? null : TorchRuntime.singleThreadLane());
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
  List<float[]> encode(List<I> inputs, int batchSize) {
    List<float[]> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += batchSize) {
      int passInputs = Math.min(batchSize, inputs.size() - from);
      if (isTiny(passInputs)) {
        // Decided (possibly by this call's own first passes): the rest goes to the lane at once.
        List<I> rest = inputs.subList(from, inputs.size());
        out.addAll(lane.call(() -> encodeHere(rest, batchSize, false)));
        break;
      }
      out.addAll(encodeHere(inputs.subList(from, from + passInputs), batchSize, lane != null));
    }
    return NonFiniteEmbeddingException.requireFinite(file.toString(), out);
  }

  /** True when passes of {@code inputs} inputs have run faster than a tiny pass on every thread. */
  boolean isTiny(int inputs) {
    return lane != null
        && inputs > 0
        && inputs < ALWAYS_PARALLEL
        && fastestParallelPass.get(sizeClass(inputs)) < TINY_PASS_NANOS;
  }

  /**
   * The forward passes over {@code inputs} on this thread, timing each when {@code timed}; outputs
   * not yet checked for NaN.
   */
  private synchronized List<float[]> encodeHere(List<I> inputs, int batchSize, boolean timed) {
    List<float[]> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += batchSize) {
      List<I> batch = inputs.subList(from, Math.min(inputs.size(), from + batchSize));
      long start = System.nanoTime();
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
      if (timed && batch.size() < ALWAYS_PARALLEL) {
        fastestParallelPass.accumulateAndGet(
            sizeClass(batch.size()), System.nanoTime() - start, Math::min);
      }
    }
    return out;
  }

  /** 0 for 1 input, 1 for 2–3, 2 for 4–7, 3 for 8–15. */
  private static int sizeClass(int inputs) {
    return 31 - Integer.numberOfLeadingZeros(inputs);
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
