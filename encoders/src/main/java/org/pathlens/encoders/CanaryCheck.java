package org.pathlens.encoders;

import ai.djl.Device;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.bundle.Canary;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * The engine's check on a loaded bundle: what computes its embeddings here, and how close that
 * comes to the model's Python reference on the bundle's {@link Canary}.
 *
 * @param engine the engine, device and CPU settings, e.g. {@code PyTorch 2.5.1 on cpu(),
 *     ONEDNN_MAX_CPU_ISA=AVX2 (default)}
 * @param inputs canary inputs checked; 0 for a bundle without a canary
 * @param worstCosine the lowest cosine between an engine embedding and its reference (NaN without a
 *     canary)
 * @param worstInput the input that gave it, or null
 * @param millis how long the check took
 */
public record CanaryCheck(
    String engine, int inputs, double worstCosine, String worstInput, double millis) {

  /** True when the bundle had a canary and every input matched the reference. */
  public boolean passed() {
    return inputs > 0 && worstCosine >= Canary.MIN_COSINE;
  }

  /** For index records and logs, e.g. {@code passed: 4 inputs, worst cosine 0.9999999}. */
  public String describe() {
    if (inputs == 0) {
      return "no canary in the bundle";
    }
    return String.format(
        Locale.ROOT,
        "%s: %d inputs, worst cosine %.7f",
        passed() ? "passed" : "FAILED",
        inputs,
        worstCosine);
  }

  /** A bundle without a canary: nothing could be checked. */
  static CanaryCheck absent(String engine) {
    return new CanaryCheck(engine, 0, Double.NaN, null, 0);
  }

  /**
   * Embeds the canary's inputs with {@code images} and {@code texts}.
   *
   * @throws BundleException naming the canary, the worst cosine and the likely remedy when any
   *     input falls below {@link Canary#MIN_COSINE}, or the model gives a non-finite output for one
   */
  static CanaryCheck run(
      ModelBundle bundle,
      ImageEncoder images,
      TextEncoder texts,
      ImageProjection projection,
      Device device,
      boolean fp16) {
    Canary canary = bundle.canary();
    String engine = TorchRuntime.describe(device) + (fp16 ? ", float16 inputs" : "");
    long start = System.nanoTime();
    double worst = Double.POSITIVE_INFINITY;
    String worstInput = null;
    List<float[]> actual = new ArrayList<>();
    List<Canary.Item> items = new ArrayList<>();
    checkTokenIds(canary, texts.tokenizer());
    if (!canary.projections().isEmpty() && projection == null) {
      throw new BundleException(
          canary.file(),
          "lists \"projections\" but model.json declares no image.projection to check them with");
    }
    try {
      if (!canary.images().isEmpty()) {
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        List<RgbImage> decoded = new ArrayList<>();
        for (Canary.Item item : canary.images()) {
          decoded.add(decoder.decode(item.path()));
        }
        actual.addAll(images.encode(decoded));
        items.addAll(canary.images());
      }
      if (!canary.texts().isEmpty()) {
        actual.addAll(texts.encode(canary.texts().stream().map(Canary.Item::input).toList()));
        items.addAll(canary.texts());
      }
      if (!canary.projections().isEmpty()) {
        actual.addAll(
            projection.project(
                canary.projections().stream().map(Canary.ProjectionItem::feature).toList()));
        canary
            .projections()
            .forEach(
                p -> items.add(new Canary.Item(p.input() + " (projected)", null, p.embedding())));
      }
    } catch (NonFiniteEmbeddingException e) {
      throw new BundleException(
          canary.file(),
          "canary check failed: "
              + e.getMessage()
              + " with "
              + engine
              + "; likely remedy: "
              + remedy(device, fp16));
    } catch (IOException | RuntimeException e) {
      throw new BundleException(canary.file(), "canary check failed: " + e.getMessage(), e);
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).embedding().length != actual.get(i).length) {
        throw new BundleException(
            canary.file(),
            "the reference embedding of \""
                + items.get(i).input()
                + "\" has "
                + items.get(i).embedding().length
                + " values; the encoders return embedding_dim = "
                + actual.get(i).length);
      }
      double cosine = Embeddings.dot(items.get(i).embedding(), actual.get(i));
      if (!(cosine >= worst)) {
        worst = cosine;
        worstInput = items.get(i).input();
      }
    }
    CanaryCheck check =
        new CanaryCheck(engine, items.size(), worst, worstInput, (System.nanoTime() - start) / 1e6);
    if (!check.passed()) {
      throw new BundleException(
          canary.file(),
          String.format(
              Locale.ROOT,
              "canary check failed: cosine %.5f to the model's Python reference for \"%s\" (every input needs %s) with %s;"
                  + " this engine computes other embeddings than the reference, so PathLens will not run it. Likely"
                  + " remedy: %s",
              worst,
              worstInput,
              Canary.MIN_COSINE,
              engine,
              remedy(device, fp16)));
    }
    return check;
  }

  /**
   * A canary that lists the model's own token ids must get the same from {@code tokenizer.json}: a
   * tokenizer fault is named as one, before it shows as a low text cosine.
   */
  private static void checkTokenIds(Canary canary, BundleTokenizer tokenizer) {
    for (Canary.Item item : canary.texts()) {
      if (item.inputIds() == null) {
        continue;
      }
      long[] ids = tokenizer.encode(item.input()).getIds();
      if (!Arrays.equals(ids, item.inputIds())) {
        int at = Arrays.mismatch(ids, item.inputIds());
        throw new BundleException(
            canary.file(),
            "tokenizer.json gives other token ids than the model's own tokenizer for \""
                + item.input()
                + "\": from position "
                + at
                + " "
                + Arrays.toString(tail(ids, at))
                + " instead of "
                + Arrays.toString(tail(item.inputIds(), at))
                + "; re-export the bundle's tokenizer (and model.json text.clean, the cleaning"
                + " before it)");
      }
    }
  }

  private static long[] tail(long[] ids, int from) {
    return Arrays.copyOfRange(ids, Math.min(from, ids.length), Math.min(from + 6, ids.length));
  }

  private static String remedy(Device device, boolean fp16) {
    if (fp16) {
      return "run without --fp16 (half precision differs from the float32 reference) or write the canary from the"
          + " half-precision export";
    }
    if (device.isGpu()) {
      return "compare with --device cpu; if the canary passes there, the GPU build of libtorch computes differently";
    }
    CpuIsaCap.Cap cap = TorchRuntime.cpuIsaCap();
    if (cap != null && (cap.lifted() || !cap.value().get().equalsIgnoreCase(CpuIsaCap.DEFAULT))) {
      return "oneDNN's AVX-512 kernels compute wrong convolutions on some CPUs ("
          + cap.describe()
          + "); let PathLens"
          + " cap them at "
          + CpuIsaCap.DEFAULT
          + ": unset "
          + CpuIsaCap.VARIABLE
          + " and drop -D"
          + CpuIsaCap.PROPERTY;
    }
    return "check that canary.json was written from these encoder files (re-export the bundle, or rewrite it with"
        + " fixtures/scripts/make_canary.py), and compare with another --threads or --device";
  }
}
