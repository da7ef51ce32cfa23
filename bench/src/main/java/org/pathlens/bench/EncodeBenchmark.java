package org.pathlens.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.ImagePreprocessor;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Throughput of the image path, stage by stage: JPEG decoding plus preprocessing (per input size
 * and thread count), then encoding through the bundle's TorchScript (per batch size and device),
 * and text encoding. Prints a table and the command that reproduces it.
 */
public final class EncodeBenchmark {

  /**
   * @param bundle the model bundle to time
   * @param tiles tiles per measurement
   * @param inputSizes tile sizes to decode and preprocess (224 is a no-op resize for 224 models)
   * @param threadCounts preprocessing thread counts
   * @param batchSizes encoder batch sizes
   * @param encoders one encoding run per entry (device, precision, libtorch threads)
   */
  public record Options(
      Path bundle,
      int tiles,
      List<Integer> inputSizes,
      List<Integer> threadCounts,
      List<Integer> batchSizes,
      List<EncoderOptions> encoders) {}

  private final Options options;
  private final PrintWriter out;

  public EncodeBenchmark(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  public void run(String command) throws Exception {
    ModelBundle bundle = ModelBundle.load(options.bundle());
    ImagePreprocessor preprocessor = new ImagePreprocessor(bundle.config().image());
    out.printf(
        Locale.ROOT,
        "PathLens encode benchmark: bundle %s (%s), %d cores, Java %s%n",
        bundle.config().name(),
        bundle.shortHash(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    out.println("command: " + command);
    // what shapes the figures besides the code: how libtorch's buffers are allocated
    out.println(org.pathlens.encoders.NativeAllocator.apply());
    out.println();
    out.println("Preprocessing (decode JPEG + PIL resize/crop + normalise), tiles/s");
    out.printf(
        Locale.ROOT,
        "%-8s %-8s %18s %16s%n",
        "input",
        "threads",
        "decode+preprocess",
        "preprocess only");
    List<RgbImage> decoded224 = null;
    for (int size : options.inputSizes()) {
      List<byte[]> jpegs = BenchmarkTiles.jpegs(options.tiles(), size, 7);
      List<RgbImage> decoded = decodeAll(jpegs);
      if (decoded224 == null || size == bundle.config().image().size()) {
        decoded224 = decoded;
      }
      for (int threads : options.threadCounts()) {
        double full =
            tilesPerSecond(
                jpegs.size(),
                threads,
                i -> preprocessor.preprocess(DECODER.decode(jpegs.get(i), "tile" + i)));
        List<RgbImage> images = decoded;
        double only =
            tilesPerSecond(images.size(), threads, i -> preprocessor.preprocess(images.get(i)));
        out.printf(Locale.ROOT, "%-8s %-8d %18.0f %16.0f%n", size + " px", threads, full, only);
      }
    }
    for (EncoderOptions encoder : options.encoders()) {
      out.println();
      encodeTable(bundle, encoder, decoded224);
    }
  }

  private void encodeTable(ModelBundle bundle, EncoderOptions encoder, List<RgbImage> images) {
    String device = null;
    out.printf(
        Locale.ROOT, "%-8s %10s %12s %14s%n", "batch", "images/s", "ms/batch", "text prompts/s");
    for (int batch : options.batchSizes()) {
      try (VisionLanguageModel vlm =
          VisionLanguageModel.load(bundle, encoder.withBatchSize(batch))) {
        device = vlm.device() + (encoder.fp16() ? " fp16" : "");
        double imagesPerSecond = rate(images, vlm.images()::encode, batch);
        double textsPerSecond = rate(PROMPTS, vlm.texts()::encode, batch);
        out.printf(
            Locale.ROOT,
            "%-8d %10.1f %12.1f %14.0f%n",
            batch,
            imagesPerSecond,
            1000.0 * batch / imagesPerSecond,
            textsPerSecond);
      }
    }
    out.printf(
        Locale.ROOT,
        "(encoding on %s: preprocess + forward + normalise, one caller thread)%n",
        device);
  }

  /** Items per second of {@code encode} over {@code inputs}, after a warm-up of two batches. */
  private static <T> double rate(List<T> inputs, Function<List<T>, ?> encode, int batch) {
    encode.apply(inputs.subList(0, Math.min(inputs.size(), 2 * batch)));
    long start = System.nanoTime();
    encode.apply(inputs);
    return inputs.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static final ImageDecoder DECODER = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

  private static final List<String> PROMPTS =
      IntStream.range(0, 256)
          .mapToObj(i -> "an H&E image of tissue type number " + i + " with crowded glands.")
          .toList();

  private static List<RgbImage> decodeAll(List<byte[]> jpegs) throws Exception {
    List<RgbImage> images = new ArrayList<>();
    for (int i = 0; i < jpegs.size(); i++) {
      images.add(DECODER.decode(jpegs.get(i), "tile" + i));
    }
    return images;
  }

  private interface Task {
    Object run(int index) throws Exception;
  }

  /**
   * Runs {@code task} over {@code count} indices on {@code threads} threads after one warm-up pass.
   */
  private static double tilesPerSecond(int count, int threads, Task task) throws Exception {
    for (int i = 0; i < Math.min(count, 32); i++) {
      task.run(i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < count; i += threads) {
                    task.run(i);
                  }
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
      return count / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
