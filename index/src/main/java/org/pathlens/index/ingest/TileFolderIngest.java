package org.pathlens.index.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.ImageFileEmbedder;
import org.pathlens.encoders.ImageFiles;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * Ingests a folder of tile images: decodes them on a small pool while the encoder runs ({@link
 * ImageFileEmbedder}), and adds them to the index in commit batches.
 *
 * <p>With a manifest ({@link TileManifest}) the manifest's rows are the tiles, with its metadata;
 * image files under the folder that it does not list are left out (and counted in a warning), and
 * rows whose file is missing or unreadable are skipped. Without one, every image file under the
 * folder is a tile known by its relative path, which is also its id.
 *
 * <p>Tiles the index already holds with the same record are kept, not embedded again ({@link
 * ExistingTiles#KEEP}, the default), so re-running an interrupted ingest does only what is left.
 *
 * <p>The encoder's stain handling ({@link ImageEncoder#stain()}) must be the one the index records.
 * Stain normalisation fitted per slide groups tiles by the manifest's {@code slide_id}; tiles
 * without one (or without a manifest) are fitted on their own.
 *
 * @param encoder the bundle's image encoder with the index's stain handling (the index must record
 *     the same bundle)
 * @param decoder decodes tile files (its pixel limit applies)
 * @param batchSize tiles per forward pass
 * @param decodeThreads threads decoding files beside inference
 * @param existing what to do with tiles the index already holds unchanged
 */
public record TileFolderIngest(
    ImageEncoder encoder,
    ImageDecoder decoder,
    int batchSize,
    int decodeThreads,
    ExistingTiles existing) {

  public TileFolderIngest {
    if (batchSize < 1 || decodeThreads < 1) {
      throw new IllegalArgumentException(
          "batch size and decode threads must be at least 1, got "
              + batchSize
              + " and "
              + decodeThreads);
    }
    Objects.requireNonNull(existing, "existing tiles");
  }

  /** Keeps the tiles the index already holds unchanged. */
  public TileFolderIngest(
      ImageEncoder encoder, ImageDecoder decoder, int batchSize, int decodeThreads) {
    this(encoder, decoder, batchSize, decodeThreads, ExistingTiles.KEEP);
  }

  public TileFolderIngest withExistingTiles(ExistingTiles existing) {
    return new TileFolderIngest(encoder, decoder, batchSize, decodeThreads, existing);
  }

  /**
   * Ingests the tiles under {@code tileDir}, described by {@code manifest} (or null for none).
   *
   * @throws IOException when the folder or the manifest cannot be read, or the index cannot be
   *     written
   * @throws IllegalArgumentException when {@code tileDir} is not a directory or the manifest is
   *     malformed
   */
  public IngestSummary ingest(Path tileDir, Path manifest, TileIndex index, IngestListener listener)
      throws IOException {
    if (!Files.isDirectory(tileDir)) {
      throw new IllegalArgumentException(tileDir + ": not a directory of tiles");
    }
    SlideIngest.requireSameStain(encoder, index);
    long start = System.nanoTime();
    List<Path> files = new ArrayList<>();
    Map<Path, TileRecord> records = new HashMap<>();
    List<SkippedInput> skipped = new ArrayList<>();
    Path root = tileDir.toAbsolutePath().normalize();
    List<Path> imageFiles = listImages(root);
    if (manifest != null) {
      List<TileManifest.Entry> entries = TileManifest.read(manifest, root);
      for (TileManifest.Entry entry : entries) {
        Path file = Path.of(entry.tile().source());
        if (!Files.isRegularFile(file)) {
          report(
              listener,
              skipped,
              new SkippedInput(file.toString(), file + ": listed in " + manifest + " but missing"));
          continue;
        }
        files.add(file);
        records.put(file, entry.tile());
      }
      long unlisted = imageFiles.stream().filter(f -> !records.containsKey(f)).count();
      if (unlisted > 0) {
        listener.warning(
            unlisted
                + " image files under "
                + tileDir
                + " are not in "
                + manifest
                + ": not ingested");
      }
    } else {
      for (Path file : imageFiles) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        files.add(file);
        records.put(file, TileRecord.of(relative, file.toString()));
      }
    }
    List<Path> toEmbed = existing.toEmbed(files, records::get, index);
    long unchanged = files.size() - toEmbed.size();
    if (unchanged > 0) {
      listener.unchanged(unchanged, tileDir.toString());
    }
    listener.planned(toEmbed.size(), tileDir.toString());
    // The embedder batches forward passes, the buffer batches commits: no third batching here.
    IndexBuffer buffer = new IndexBuffer(index, listener);
    Set<String> slidesWritten = new TreeSet<>();
    try (ImageFileEmbedder embedder =
        new ImageFileEmbedder(encoder, decoder, batchSize, decodeThreads)) {
      embedder.embed(
          toEmbed,
          file -> records.get(file).slideId(),
          done -> {
            try {
              TileRecord record = records.get(done.file());
              buffer.add(record, done.embedding());
              if (record.slideId() != null) {
                slidesWritten.add(record.slideId());
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          },
          failed ->
              report(
                  listener,
                  skipped,
                  new SkippedInput(failed.file().toString(), failed.reason(), failed.nonFinite())));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    buffer.flush();
    SlidePooling.update(index, slidesWritten);
    return new IngestSummary(
        buffer.added(), unchanged, 0, skipped, (System.nanoTime() - start) / 1e9);
  }

  private static void report(
      IngestListener listener, List<SkippedInput> skipped, SkippedInput input) {
    skipped.add(input);
    listener.skipped(input);
  }

  private static List<Path> listImages(Path root) throws IOException {
    try {
      return ImageFiles.expand(List.of(root)).stream()
          .map(p -> p.toAbsolutePath().normalize())
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
