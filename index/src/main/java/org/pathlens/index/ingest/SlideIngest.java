package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.NonFiniteEmbeddingException;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.index.SlideFingerprint;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.regions.TileRegions;
import org.pathlens.slides.SlideException;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTile;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilePosition;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TilingPlan;
import org.pathlens.slides.TissueDetector;

/**
 * Ingests whole-slide images: for each slide, finds tissue, cuts tissue tiles at the requested
 * resolution ({@link SlideTiler}), reads them on a small pool (one reader per thread) while the
 * encoder embeds the previous batch, and adds them to the index in commit batches. At most two
 * batches of pixels are in memory whatever the slide's size.
 *
 * <p>A tile's id is {@code <slide_id>@<x>,<y>} with its level-0 position ({@link
 * TileIds#ofPosition}), so re-running an ingest never duplicates tiles; tiles the index already
 * holds with the same record are kept without being read or embedded again ({@link
 * ExistingTiles#KEEP}, the default), so a re-run after a crash does only what is left. Tiles record
 * the slide id, the level-0 x and y, the tile µm/px, the slide file as {@code source} and the
 * slide's {@code vendor}; the rest of what is known about the slide goes to a {@link SlideRecord}
 * with a thumbnail, written once the slide's tiles are committed.
 *
 * <p>A slide that cannot be opened, has no usable resolution, or fails to decode partway is
 * reported by name with the reason and the ingest goes on with the next one (tiles of a slide that
 * failed partway stay indexed; re-running after fixing the file completes it).
 *
 * <p>Stain normalisation fitted per slide is estimated from {@link StainNormalization#sample} of
 * the slide's tissue tiles (evenly spaced over the tiling), read before its tiles are embedded.
 *
 * @param encoder the bundle's image encoder, with the index's stain handling
 * @param tiling resolution, tile size, minimum tissue share, assumed resolution
 * @param detector the tissue detector
 * @param batchSize tiles per forward pass
 * @param readThreads threads reading and resampling tiles beside inference
 * @param thumbnailSize the thumbnail's longer side in pixels
 * @param rules what an ingest does with slides the index knows and which tiles it keeps ({@link
 *     SlideIngestRules})
 */
public record SlideIngest(
    ImageEncoder encoder,
    TilingOptions tiling,
    TissueDetector detector,
    int batchSize,
    int readThreads,
    int thumbnailSize,
    SlideIngestRules rules) {

  /** The share of a slide's tiles that may fail to decode before the slide is stopped. */
  static final double MAX_UNREADABLE_SHARE = 0.25;

  /** Fewer unreadable tiles than this never stop a slide (a small slide's few losses). */
  static final int MIN_UNREADABLE_TO_STOP = 8;

  /** The thumbnail side the UI gets by default. */
  public static final int DEFAULT_THUMBNAIL_SIZE = 1024;

  public SlideIngest {
    if (batchSize < 1 || readThreads < 1 || thumbnailSize < 16) {
      throw new IllegalArgumentException(
          "batch size and read threads must be at least 1 and the thumbnail at least"
              + " 16 px, got "
              + batchSize
              + ", "
              + readThreads
              + ", "
              + thumbnailSize);
    }
    Objects.requireNonNull(rules, "rules");
  }

  /** With {@link SlideIngestRules#DEFAULT}: tiles kept, another file refused, every tile. */
  public SlideIngest(
      ImageEncoder encoder,
      TilingOptions tiling,
      TissueDetector detector,
      int batchSize,
      int readThreads,
      int thumbnailSize) {
    this(
        encoder, tiling, detector, batchSize, readThreads, thumbnailSize, SlideIngestRules.DEFAULT);
  }

  /** As the default rules, with {@code existing} for tiles the index already holds. */
  public SlideIngest(
      ImageEncoder encoder,
      TilingOptions tiling,
      TissueDetector detector,
      int batchSize,
      int readThreads,
      int thumbnailSize,
      ExistingTiles existing) {
    this(
        encoder,
        tiling,
        detector,
        batchSize,
        readThreads,
        thumbnailSize,
        SlideIngestRules.DEFAULT.withExistingTiles(existing));
  }

  private SlideIngest withRules(SlideIngestRules changed) {
    return new SlideIngest(
        encoder, tiling, detector, batchSize, readThreads, thumbnailSize, changed);
  }

  public SlideIngest withExistingTiles(ExistingTiles existing) {
    return withRules(rules.withExistingTiles(existing));
  }

  public SlideIngest withReplace(boolean replace) {
    return withRules(rules.withReplace(replace));
  }

  public SlideIngest withPatients(SlidePatients patients) {
    return withRules(rules.withPatients(patients));
  }

  /** Ingests only the tiles inside each slide's {@code regions}. */
  public SlideIngest withRegions(RegionFiles regions) {
    return withRules(rules.withRegions(regions));
  }

  /**
   * Ingests {@code slides} (files; see {@link SlideFiles#expand} for folders) into {@code index}.
   */
  public IngestSummary ingest(List<Path> slides, TileIndex index, IngestListener listener)
      throws IOException {
    requireSameStain(encoder, index);
    rules
        .regions()
        .requireFit(slides, tiling); // a wrong region file stops the ingest before it starts
    long start = System.nanoTime();
    IndexBuffer buffer = new IndexBuffer(index, listener);
    List<SkippedInput> skipped = new ArrayList<>();
    Consumer<SkippedInput> report =
        input -> {
          skipped.add(input);
          listener.skipped(input);
        };
    int done = 0;
    long unchanged = 0;
    for (Path slide : slides) {
      try {
        unchanged += ingestSlide(slide, index, buffer, listener, report);
        done++;
      } catch (SlideException e) {
        buffer.flush(); // the tiles read before the failure are good
        report.accept(new SkippedInput(slide.toString(), e.getMessage()));
      }
    }
    return new IngestSummary(
        buffer.added(), unchanged, done, skipped, (System.nanoTime() - start) / 1e9);
  }

  /** Ingests one slide; returns how many of its tiles were kept unchanged. */
  private long ingestSlide(
      Path slide,
      TileIndex index,
      IndexBuffer buffer,
      IngestListener listener,
      Consumer<SkippedInput> report)
      throws IOException {
    String slideId = SlideFiles.slideId(slide);
    try (SlideReader reader = SlideReaders.open(slide)) {
      SlideTiler tiler = SlideTiler.of(reader, tiling, detector);
      TilingPlan plan = tiler.plan();
      plan.warnings().forEach(w -> listener.warning(slide + ": " + w));
      String fingerprint = SlideFingerprint.of(slide);
      new SlideIdentity(rules.replace())
          .reconcile(index, slideId, slide, fingerprint, tiling, plan, listener);
      if (rules.patients() != SlidePatients.NONE && rules.patients().patientOf(slideId).isEmpty()) {
        listener.warning(
            slide
                + ": no patient for slide "
                + slideId
                + (rules.patients() == SlidePatients.TCGA
                    ? " (its id is no TCGA barcode, TCGA-XX-XXXX-...)"
                    : " (no row in the --patients table)")
                + ": its tiles get no patient_id");
      }
      String source = slide.toAbsolutePath().normalize().toString();
      String vendor = reader.vendor();
      List<TilePosition> tissue = tiler.positions().toList();
      TileRegions inRegions =
          rules
              .regions()
              .forSlide(slideId)
              .map(r -> r.assign(tissue))
              .orElseGet(() -> TileRegions.wholeSlide(tissue));
      List<TilePosition> positions = inRegions.positions();
      if (rules.regions().forSlide(slideId).isPresent()) {
        new TilesOutsideRegions(rules.replace())
            .reconcile(
                index,
                slideId,
                slide,
                rules.regions().forSlide(slideId).get(),
                positions,
                listener);
      }
      if (positions.isEmpty()) {
        listener.warning(
            String.format(
                Locale.ROOT,
                "%s: no tile%s has %.0f %% tissue (--min-tissue %s); tissue covers %.1f %% of the slide:"
                    + " lower --min-tissue to keep the tiles there are, or check that this is the slide"
                    + " you meant",
                slide,
                rules
                    .regions()
                    .forSlide(slideId)
                    .map(r -> " inside the regions of " + r.file())
                    .orElse(""),
                100 * tiling.minTissue(),
                tiling.minTissue(),
                100 * (tiler.mask() == null ? 1.0 : tiler.mask().tissueFraction())));
      }
      List<TilePosition> toEmbed =
          rules
              .existing()
              .toEmbed(
                  positions,
                  position -> tileRecord(slideId, position, plan, source, vendor, inRegions),
                  index);
      long unchanged = positions.size() - toEmbed.size();
      if (unchanged > 0) {
        listener.unchanged(unchanged, slideId);
      }
      listener.planned(toEmbed.size(), slideId);
      long before = buffer.added();
      if (!toEmbed.isEmpty()) {
        try (SlideTileReaders readers = new SlideTileReaders(slide, tiler, tiling, readThreads)) {
          // Fitted on the same sample of all the slide's tiles as a whole ingest, so resumed tiles
          // match the kept ones.
          UnaryOperator<RgbImage> normalizer =
              encoder.fitsPerSlide()
                  ? encoder.slideNormalizer(sample(positions, readers))
                  : encoder.tileNormalizer();
          embedTiles(
              toEmbed.iterator(),
              toEmbed.size(),
              readers,
              normalizer,
              slideId,
              source,
              vendor,
              plan,
              inRegions,
              buffer,
              report);
        }
      }
      buffer.flush(); // the record and thumbnail describe committed tiles only
      if (buffer.added() > before) {
        SlidePooling.update(index, List.of(slideId));
      }
      SlideRecords records = index.slideRecords();
      RgbImage thumbnail =
          !toEmbed.isEmpty() || records.thumbnail(slideId).isEmpty() // costs a pass over a level
              ? reader.thumbnail(thumbnailSize)
              : null;
      records.write(
          new SlideRecord(
              slideId,
              source,
              vendor,
              plan.slideMpp().x(),
              plan.slideMpp().y(),
              reader.levels(),
              plan.tileMpp(),
              tiling.tileSize(),
              plan.level(),
              tiling.minTissue(),
              tiler.mask() == null ? 1.0 : tiler.mask().tissueFraction(),
              buffer.added() - before + unchanged,
              SlideRecord.THUMBNAILS + "/" + slideId + ".png",
              reader.properties(),
              null, // the backend records the hash of the PNG it writes
              plan.mppSource().key(),
              fingerprint),
          thumbnail);
      return unchanged;
    }
  }

  /**
   * The record of the tile at {@code position}: known before its pixels are read. Its region's
   * class and name, where regions restrict the slide, are metadata beside the vendor.
   */
  private TileRecord tileRecord(
      String slideId,
      TilePosition position,
      TilingPlan plan,
      String source,
      String vendor,
      TileRegions regions) {
    int x = Math.toIntExact(position.x()), y = Math.toIntExact(position.y());
    Map<String, Object> fields = new HashMap<>();
    fields.put(TileFields.ID, TileIds.ofPosition(slideId, x, y));
    fields.put(TileFields.SLIDE_ID, slideId);
    fields.put(TileFields.X, x);
    fields.put(TileFields.Y, y);
    fields.put(TileFields.MPP, plan.tileMpp());
    fields.put(TileFields.SOURCE, source);
    rules.patients().patientOf(slideId).ifPresent(p -> fields.put(TileFields.PATIENT_ID, p));
    Map<String, String> extra = new HashMap<>(regions.metadata(position));
    extra.put("vendor", vendor);
    return TileRecord.of(fields, extra);
  }

  /**
   * The encoder must carry the stain handling the index records, or the index would mix two colour
   * spaces.
   */
  static void requireSameStain(ImageEncoder encoder, TileIndex index) {
    if (!encoder.stain().equals(index.provenance().stain())) {
      throw new IllegalArgumentException(
          "the encoder's "
              + encoder.stain().describe()
              + " differs from the "
              + index.provenance().stain().describe()
              + " index "
              + index.location()
              + " records");
    }
  }

  /** A few of the slide's tissue tiles, evenly spaced, to estimate its staining from. */
  private static List<RgbImage> sample(List<TilePosition> positions, SlideTileReaders readers)
      throws IOException {
    List<Future<SlideTile>> reads = new ArrayList<>();
    for (TilePosition position : StainNormalization.sample(positions)) {
      reads.add(readers.submit(position));
    }
    List<RgbImage> images = new ArrayList<>(reads.size());
    for (Future<SlideTile> read : reads) {
      images.add(await(read).image());
    }
    return images;
  }

  /** A tile being read, and where. */
  private record Read(TilePosition position, Future<SlideTile> tile) {}

  /**
   * Reads batch n+1 on the pool while batch n is encoded. One tile that cannot be read (a corrupt
   * JPEG tile, a DICOM frame that does not decode) costs that tile: it is reported, named by its
   * position, and the slide's other tiles go on, unless more than {@link #MAX_UNREADABLE_SHARE} of
   * the planned tiles (and at least {@link #MIN_UNREADABLE_TO_STOP}) cannot be read: such a file is
   * damaged past what a partial slide can stand for, and the slide is stopped and reported (tiles
   * committed before stay, as for any slide that fails partway). Tiles whose embedding is not
   * finite are reported and left out too.
   */
  private void embedTiles(
      Iterator<TilePosition> positions,
      int planned,
      SlideTileReaders readers,
      UnaryOperator<RgbImage> normalizer,
      String slideId,
      String source,
      String vendor,
      TilingPlan plan,
      TileRegions regions,
      IndexBuffer buffer,
      Consumer<SkippedInput> report)
      throws IOException {
    ArrayDeque<List<Read>> inFlight = new ArrayDeque<>();
    int unreadable = 0;
    inFlight.add(submitBatch(positions, readers));
    while (!inFlight.peek().isEmpty()) {
      List<Read> current = inFlight.poll();
      inFlight.add(submitBatch(positions, readers));
      List<TileRecord> records = new ArrayList<>(current.size());
      List<RgbImage> images = new ArrayList<>(current.size());
      for (Read read : current) {
        SlideTile tile;
        try {
          tile = await(read.tile());
        } catch (SlideException e) {
          TileRecord lost = tileRecord(slideId, read.position(), plan, source, vendor, regions);
          report.accept(new SkippedInput(lost.id(), lost.id() + ": " + e.getMessage()));
          unreadable++;
          if (unreadable >= MIN_UNREADABLE_TO_STOP && unreadable > MAX_UNREADABLE_SHARE * planned) {
            throw new SlideException(
                Path.of(source),
                unreadable
                    + " of its "
                    + planned
                    + " tiles could not be decoded, more than a quarter: the file is damaged;"
                    + " the slide is stopped (check the file, or re-export it from the scanner)");
          }
          continue;
        }
        records.add(tileRecord(slideId, tile.position(), plan, source, vendor, regions));
        images.add(tile.image());
      }
      if (records.isEmpty()) {
        continue;
      }
      List<float[]> embeddings;
      try {
        embeddings = encoder.encode(images, normalizer);
      } catch (NonFiniteEmbeddingException e) {
        embeddings = new ArrayList<>(e.embeddings());
        for (int failed : e.failed()) {
          TileRecord tile = records.get(failed);
          String name =
              "slide "
                  + slideId
                  + " tile at level-0 ("
                  + tile.x()
                  + ", "
                  + tile.y()
                  + ") of "
                  + source;
          report.accept(
              new SkippedInput(tile.id(), name + ": " + NonFiniteEmbeddingException.REASON, true));
        }
        for (int i = e.failed().size() - 1;
            i >= 0;
            i--) { // from the end, so earlier positions stay valid
          records.remove((int) e.failed().get(i));
          embeddings.remove((int) e.failed().get(i));
        }
      }
      buffer.add(records, embeddings);
    }
  }

  private List<Read> submitBatch(Iterator<TilePosition> positions, SlideTileReaders readers) {
    List<Read> batch = new ArrayList<>(batchSize);
    while (batch.size() < batchSize && positions.hasNext()) {
      TilePosition position = positions.next();
      batch.add(new Read(position, readers.submit(position)));
    }
    return batch;
  }

  private static SlideTile await(Future<SlideTile> future) throws IOException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SlideException slide) {
        throw slide;
      }
      throw new IOException("reading a tile failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading tiles", e);
    }
  }
}
