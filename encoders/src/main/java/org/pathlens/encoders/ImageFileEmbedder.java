package org.pathlens.encoders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainNormalization;

/**
 * Embeds image files in order: decodes (and stain-normalises, per the encoder's {@link
 * ImageEncoder#stain()}) one batch on a small pool while the previous batch runs through the
 * encoder, so that work hides behind inference. Files that cannot be decoded are reported and
 * skipped; so are images for which the model returns NaN or infinity. The run goes on.
 *
 * <p>With stain normalisation fitted per slide, the caller says which slide each file belongs to;
 * each slide's staining is then estimated once, from {@link StainNormalization#sample} of its
 * files, before its tiles are embedded. Files without a slide are their own slide.
 */
public final class ImageFileEmbedder implements AutoCloseable {

  /** An embedded file. */
  public record Embedded(Path file, float[] embedding) {}

  /**
   * A file that could not be embedded, with the reason (which names the file).
   *
   * @param nonFinite true when the file was decoded but the model's output for it was NaN or
   *     infinite
   */
  public record Skipped(Path file, String reason, boolean nonFinite) {

    public Skipped(Path file, String reason) {
      this(file, reason, false);
    }
  }

  /**
   * For callers whose result would be wrong without every file (evaluation, classification, a
   * command that prints embeddings): a file the model gave NaN or infinity for stops the run with
   * an {@link EncoderException} naming it; files that cannot be read go to {@code unreadable}.
   */
  public static Consumer<Skipped> failOnNonFinite(Consumer<Skipped> unreadable) {
    return skipped -> {
      if (skipped.nonFinite()) {
        throw new EncoderException(skipped.reason());
      }
      unreadable.accept(skipped);
    };
  }

  private final ImageEncoder encoder;
  private final ImageDecoder decoder;
  private final int batchSize;
  private final ExecutorService pool;

  /**
   * @param decodeThreads threads decoding images; with libtorch using the cores for inference, one
   *     or two is enough on a CPU machine
   */
  public ImageFileEmbedder(
      ImageEncoder encoder, ImageDecoder decoder, int batchSize, int decodeThreads) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.batchSize = batchSize;
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, decodeThreads), Thread.ofPlatform().daemon().factory());
  }

  /**
   * Embeds {@code files}, each its own slide; see {@link #embed(List, Function, Consumer,
   * Consumer)}.
   */
  public void embed(List<Path> files, Consumer<Embedded> onEmbedded, Consumer<Skipped> onSkipped) {
    embed(files, file -> null, onEmbedded, onSkipped);
  }

  /**
   * Embeds {@code files}; calls {@code onEmbedded} in input order and {@code onSkipped} for
   * failures.
   *
   * @param slideOf the slide id of a file, or null when unknown (used only when the stain
   *     normalisation is fitted per slide)
   */
  public void embed(
      List<Path> files,
      Function<Path, String> slideOf,
      Consumer<Embedded> onEmbedded,
      Consumer<Skipped> onSkipped) {
    Function<Path, UnaryOperator<RgbImage>> normalizers = normalizers(files, slideOf);
    List<Future<RgbImage>> pending = submit(files, 0, normalizers);
    for (int from = 0; from < files.size(); from += batchSize) {
      List<Future<RgbImage>> current = pending;
      pending = submit(files, from + batchSize, normalizers);
      List<Path> batchFiles = new ArrayList<>();
      List<RgbImage> batchImages = new ArrayList<>();
      for (int i = 0; i < current.size(); i++) {
        Path file = files.get(from + i);
        try {
          batchImages.add(current.get(i).get());
          batchFiles.add(file);
        } catch (ExecutionException e) {
          String reason =
              e.getCause() instanceof ImageDecodeException decode
                  ? decode.getMessage()
                  : file + ": " + e.getCause();
          onSkipped.accept(new Skipped(file, reason));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EncoderException("interrupted while decoding " + file, e);
        }
      }
      List<float[]> embeddings;
      try {
        embeddings = batchImages.isEmpty() ? List.of() : encoder.encodeNormalized(batchImages);
      } catch (NonFiniteEmbeddingException e) {
        embeddings = e.embeddings();
      }
      for (int i = 0; i < embeddings.size(); i++) {
        if (embeddings.get(i) == null) {
          onSkipped.accept(
              new Skipped(
                  batchFiles.get(i),
                  batchFiles.get(i) + ": " + NonFiniteEmbeddingException.REASON,
                  true));
        } else {
          onEmbedded.accept(new Embedded(batchFiles.get(i), embeddings.get(i)));
        }
      }
    }
  }

  private List<Future<RgbImage>> submit(
      List<Path> files, int from, Function<Path, UnaryOperator<RgbImage>> normalizers) {
    List<Future<RgbImage>> futures = new ArrayList<>();
    for (int i = from; i < Math.min(files.size(), from + batchSize); i++) {
      Path file = files.get(i);
      futures.add(pool.submit(() -> normalizers.apply(file).apply(decoder.decode(file))));
    }
    return futures;
  }

  /**
   * Each file's normalisation: per tile, or, when fitted per slide, its slide's, estimated here
   * from a sample of the slide's files decoded on the pool (files that fail to decode are left out
   * of the sample; they are reported when their turn comes).
   */
  private Function<Path, UnaryOperator<RgbImage>> normalizers(
      List<Path> files, Function<Path, String> slideOf) {
    UnaryOperator<RgbImage> perTile = encoder.tileNormalizer();
    if (!encoder.fitsPerSlide()) {
      return file -> perTile;
    }
    Map<String, List<Path>> bySlide = new LinkedHashMap<>();
    for (Path file : files) {
      String slide = slideOf.apply(file);
      if (slide != null) {
        bySlide.computeIfAbsent(slide, s -> new ArrayList<>()).add(file);
      }
    }
    Map<String, UnaryOperator<RgbImage>> fitted = new HashMap<>();
    for (Map.Entry<String, List<Path>> slide : bySlide.entrySet()) {
      List<Future<RgbImage>> sample = new ArrayList<>();
      for (Path file : StainNormalization.sample(slide.getValue())) {
        sample.add(pool.submit(() -> decoder.decode(file)));
      }
      List<RgbImage> images = new ArrayList<>();
      for (Future<RgbImage> future : sample) {
        try {
          images.add(future.get());
        } catch (ExecutionException e) {
          // reported with the file's own turn
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EncoderException("interrupted while sampling slide " + slide.getKey(), e);
        }
      }
      fitted.put(slide.getKey(), encoder.slideNormalizer(images));
    }
    return file -> {
      String slide = slideOf.apply(file);
      return slide == null ? perTile : fitted.get(slide);
    };
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
