package org.pathlens.encoders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Embeds image files in order: decodes one batch on a small pool while the previous batch runs
 * through the encoder, so decoding hides behind inference. Files that cannot be decoded are
 * reported and skipped; the run goes on.
 */
public final class ImageFileEmbedder implements AutoCloseable {

  /** An embedded file. */
  public record Embedded(Path file, float[] embedding) {}

  /** A file that could not be embedded, with the reason (which names the file). */
  public record Skipped(Path file, String reason) {}

  private final ImageEncoder encoder;
  private final ImageDecoder decoder;
  private final int batchSize;
  private final ExecutorService pool;

  /**
   * @param decodeThreads threads decoding images; with libtorch using the cores for inference, one
   *     or two is enough on a CPU machine
   */
  public ImageFileEmbedder(ImageEncoder encoder, ImageDecoder decoder, int batchSize, int decodeThreads) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.batchSize = batchSize;
    this.pool = Executors.newFixedThreadPool(Math.max(1, decodeThreads), Thread.ofPlatform().daemon().factory());
  }

  /** Embeds {@code files}; calls {@code onEmbedded} in input order and {@code onSkipped} for failures. */
  public void embed(List<Path> files, Consumer<Embedded> onEmbedded, Consumer<Skipped> onSkipped) {
    List<Future<RgbImage>> pending = submit(files, 0);
    for (int from = 0; from < files.size(); from += batchSize) {
      List<Future<RgbImage>> current = pending;
      pending = submit(files, from + batchSize);
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
      List<float[]> embeddings = batchImages.isEmpty() ? List.of() : encoder.encode(batchImages);
      for (int i = 0; i < embeddings.size(); i++) {
        onEmbedded.accept(new Embedded(batchFiles.get(i), embeddings.get(i)));
      }
    }
  }

  private List<Future<RgbImage>> submit(List<Path> files, int from) {
    List<Future<RgbImage>> futures = new ArrayList<>();
    for (int i = from; i < Math.min(files.size(), from + batchSize); i++) {
      Path file = files.get(i);
      futures.add(pool.submit(() -> decoder.decode(file)));
    }
    return futures;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
