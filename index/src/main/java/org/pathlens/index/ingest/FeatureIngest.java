package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.NonFiniteEmbeddingException;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.SlideFingerprint;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.features.FeatureFile;
import org.pathlens.index.features.FeatureFileException;
import org.pathlens.index.features.FeatureSpace;
import org.pathlens.slides.SlideMppRule;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;

/**
 * Ingests patch features computed elsewhere (TRIDENT, CLAM: {@link FeatureFile}) as the tiles of
 * their slides, without reading a pixel or running the encoder: a row's tile is {@code
 * <slide>@<x>,<y>} as for a slide PathLens tiled itself, its embedding the row scaled to unit
 * length, as the bundle's own embeddings are.
 *
 * <p>Every file is opened and checked before anything is written: the features' length must be the
 * bundle's embedding dimension, a file's {@code encoder} attribute must name the bundle (unless the
 * user vouches for the features with {@code trustFeatures}, which the slide record keeps), CLAM's
 * level coordinates need their slide, and with a slide every patch must lie on it. A file that
 * fails is refused in one line and the index is left as it was. Rows that are not finite are named
 * and skipped, as a tile whose embedding is not finite is.
 *
 * <p>Pre-projection features ({@link FeatureSpace#PRE_PROJECTION}: CONCH v1's output before {@code
 * proj_contrast}, as TRIDENT and CLAM store it) go through the bundle's {@link ImageProjection} and
 * are normalised, as the CONCH code's {@code forward_project} path does; the tile keeps the feature
 * as the file held it ({@link org.pathlens.index.TileFields#FEATURE}) for export. Which the rows
 * are is said by the user ({@code space}), by the file ({@link FeatureSpace#ATTRIBUTE}), or by
 * their length where only one fits; when both fit (CONCH: 512 either way) the file is refused until
 * someone says, since the two read as each other give answers without meaning.
 *
 * <p>With the slide file of the same id (among {@code slides}), the tiles link to it: they record
 * it as their source and their µm/px, and the slide gets its {@link SlideRecord} and thumbnail, so
 * tile images, deep zoom, heatmaps and GeoJSON work as for a slide PathLens tiled. Without it the
 * tiles name the feature file as their source and everything that needs no pixels works.
 *
 * @param model the bundle: its names (checked against a file's {@code encoder} attribute), its
 *     embedding length and its image projection
 * @param trustFeatures ingest features whose {@code encoder} attribute names another model
 * @param slideMpp which level-0 µm/px linked slides are read at (their own, or one given)
 * @param thumbnailSize the thumbnail's longer side for linked slides
 * @param existing what to do with tiles the index already holds unchanged
 * @param space what the user says the rows are, or null to read it from the file or the lengths
 */
public record FeatureIngest(
    FeatureModel model,
    boolean trustFeatures,
    SlideMppRule slideMpp,
    int thumbnailSize,
    ExistingTiles existing,
    FeatureSpace space) {

  /**
   * A file checked, with the slide it links to, the tile footprint at level 0 and what its rows
   * are.
   */
  private record Checked(
      FeatureFile file, Optional<Path> slide, double footprint0, FeatureSpace rows) {}

  /**
   * Ingests {@code files}, linking each to the slide of the same id among {@code slides}.
   *
   * @throws FeatureFileException for the first file that cannot be ingested; nothing was written
   */
  public IngestSummary ingest(
      List<Path> files, List<Path> slides, TileIndex index, IngestListener listener)
      throws IOException, FeatureFileException {
    long start = System.nanoTime();
    Map<String, Path> slidesById = new HashMap<>();
    for (Path slide : slides) {
      slidesById.put(SlideFiles.slideId(slide), slide);
    }
    Map<String, Path> seen = new LinkedHashMap<>();
    for (Path file : files) {
      Checked checked = check(FeatureFile.open(file), slidesById);
      Path earlier = seen.putIfAbsent(checked.file().slideId(), file);
      if (earlier != null) {
        throw new FeatureFileException(
            file
                + " and "
                + earlier
                + " are both features of slide '"
                + checked.file().slideId()
                + "': give one of them");
      }
    }
    IndexBuffer buffer = new IndexBuffer(index, listener);
    List<SkippedInput> skipped = new ArrayList<>();
    long unchanged = 0;
    for (Path file : files) {
      // Opened again: a checked file's coordinates are not kept for the whole cohort.
      Checked checked = check(FeatureFile.open(file), slidesById);
      unchanged += ingestFile(checked, index, buffer, listener, skipped);
    }
    return new IngestSummary(
        buffer.added(), unchanged, files.size(), skipped, (System.nanoTime() - start) / 1e9);
  }

  private Checked check(FeatureFile file, Map<String, Path> slides)
      throws FeatureFileException, IOException {
    FeatureSpace rows = rowsOf(file);
    if (file.encoder().isPresent() && !model.isNamed(file.encoder().get()) && !trustFeatures) {
      throw new FeatureFileException(
          file.file()
              + ": features made by '"
              + file.encoder().get()
              + "' (its 'encoder' attribute), the bundle is '"
              + model.name()
              + "': give that model's bundle, or --trust-features if it is the same model under"
              + " another name");
    }
    Optional<Path> slide = Optional.ofNullable(slides.get(file.slideId()));
    if (slide.isEmpty()) {
      if (file.footprint() instanceof FeatureFile.LevelFootprint level) {
        throw new FeatureFileException(
            file.file()
                + ": CLAM coordinates at patch_level "
                + level.patchLevel()
                + " need the slide for that level's downsample: add --slides with "
                + file.slideId()
                + "'s slide file");
      }
      return new Checked(
          file, slide, ((FeatureFile.Level0Footprint) file.footprint()).patchSizeLevel0(), rows);
    }
    try (SlideReader reader = SlideReaders.open(slide.get())) {
      double footprint0 =
          switch (file.footprint()) {
            case FeatureFile.Level0Footprint t -> t.patchSizeLevel0();
            case FeatureFile.LevelFootprint c -> {
              if (c.patchLevel() < 0 || c.patchLevel() >= reader.levelCount()) {
                throw new FeatureFileException(
                    file.file()
                        + ": patch_level "
                        + c.patchLevel()
                        + " but slide "
                        + slide.get()
                        + " has "
                        + reader.levelCount()
                        + " levels: features of another slide?");
              }
              yield c.patchSize() * reader.level(c.patchLevel()).downsample();
            }
          };
      long width = reader.level(0).width(), height = reader.level(0).height();
      for (int i = 0; i < file.rows(); i++) {
        if (file.xs()[i] >= width || file.ys()[i] >= height) {
          throw new FeatureFileException(
              file.file()
                  + ": 'coords' row "
                  + i
                  + " ("
                  + file.xs()[i]
                  + ", "
                  + file.ys()[i]
                  + ") lies outside slide "
                  + slide.get()
                  + " ("
                  + width
                  + " x "
                  + height
                  + "): features of another slide?");
        }
      }
      levelZeroMpp(reader);
      return new Checked(file, slide, footprint0, rows);
    }
  }

  /**
   * What {@code file}'s rows are: as the user said, else as the file says, else what their length
   * fits; checked against the bundle.
   */
  private FeatureSpace rowsOf(FeatureFile file) throws FeatureFileException {
    String attribute = file.attributes().get(FeatureFile.FEATURES + "." + FeatureSpace.ATTRIBUTE);
    FeatureSpace declared = null;
    if (attribute != null) {
      try {
        declared = FeatureSpace.parse(attribute);
      } catch (IllegalArgumentException e) {
        throw new FeatureFileException(
            file.file()
                + ": attribute '"
                + FeatureSpace.ATTRIBUTE
                + "' of 'features': "
                + e.getMessage());
      }
    }
    if (space != null && declared != null && space != declared) {
      throw new FeatureFileException(
          file.file()
              + ": its '"
              + FeatureSpace.ATTRIBUTE
              + "' attribute says the features are "
              + declared
              + ", --feature-space says "
              + space
              + ": drop --feature-space, or check which file this is");
    }
    FeatureSpace rows = space != null ? space : declared;
    boolean fitEmbedding = file.dimension() == model.embeddingDim();
    boolean fitProjection =
        model.projection() != null && file.dimension() == model.projection().inputDim();
    if (rows == null) {
      if (fitEmbedding && fitProjection) {
        throw new FeatureFileException(
            file.file()
                + ": "
                + file.dimension()
                + "-dimensional features fit "
                + model.name()
                + " both before its image projection and after it: say which with"
                + " --feature-space pre-projection (TRIDENT and CLAM store CONCH v1's features"
                + " before proj_contrast) or --feature-space embedding");
      }
      rows = fitProjection ? FeatureSpace.PRE_PROJECTION : FeatureSpace.EMBEDDING;
    }
    if (rows == FeatureSpace.PRE_PROJECTION && model.projection() == null) {
      throw new FeatureFileException(
          file.file()
              + ": pre-projection features need the bundle's image projection, and "
              + model.name()
              + " carries none (no image.projection in its model.json): export the model again"
              + " with ./pathlens export, which writes image_projection.pt");
    }
    int wanted =
        rows == FeatureSpace.PRE_PROJECTION ? model.projection().inputDim() : model.embeddingDim();
    if (file.dimension() != wanted) {
      throw new FeatureFileException(
          file.file()
              + ": features are "
              + file.dimension()
              + "-dimensional, the bundle's "
              + (rows == FeatureSpace.PRE_PROJECTION
                  ? "image projection takes " + wanted
                  : "image embeddings "
                      + wanted
                      + (model.projection() == null
                          ? ""
                          : " (its projection takes " + model.projection().inputDim() + ")"))
              + ": features of another model; give the bundle of the model that made them");
    }
    return rows;
  }

  /** The slide's level-0 µm/px and its source, by {@link #slideMpp}; else the file is refused. */
  private SlideMppRule.SlideMpp levelZeroMpp(SlideReader reader) throws FeatureFileException {
    return slideMpp
        .resolve(reader.path(), reader.mpp())
        .orElseThrow(
            () ->
                new FeatureFileException(
                    reader.path()
                        + " records no µm/px: give its level-0 µm/px with --mpp-csv FILE,"
                        + " --mpp-default MPP or --mpp-override MPP"));
  }

  /** Ingests one checked file; returns how many of its tiles were kept unchanged. */
  private long ingestFile(
      Checked checked,
      TileIndex index,
      IndexBuffer buffer,
      IngestListener listener,
      List<SkippedInput> skipped)
      throws IOException, FeatureFileException {
    FeatureFile file = checked.file();
    String slideId = file.slideId();
    SlideReader reader =
        checked.slide().isPresent() ? SlideReaders.open(checked.slide().get()) : null;
    try {
      Double tileMpp =
          reader == null
              ? null
              : levelZeroMpp(reader).mpp().x()
                  * checked.footprint0()
                  / file.footprint().patchSize();
      String source =
          (reader == null ? file.file() : checked.slide().get())
              .toAbsolutePath()
              .normalize()
              .toString();
      Map<String, String> extra = reader == null ? Map.of() : Map.of("vendor", reader.vendor());
      List<Integer> rows = new ArrayList<>(file.rows());
      for (int i = 0; i < file.rows(); i++) {
        rows.add(i);
      }
      BitSet nonFinite = nonFiniteRows(file);
      List<Integer> toWrite =
          existing.toEmbed(rows, i -> tileRecord(file, i, slideId, tileMpp, source, extra), index);
      long unchanged = rows.size() - toWrite.size();
      if (unchanged > 0) {
        listener.unchanged(unchanged, slideId);
      }
      BitSet write = new BitSet(file.rows());
      toWrite.forEach(write::set);
      write.andNot(nonFinite);
      listener.planned(write.cardinality(), slideId);
      for (int i = nonFinite.nextSetBit(0); i >= 0; i = nonFinite.nextSetBit(i + 1)) {
        SkippedInput input =
            new SkippedInput(
                TileIds.ofPosition(slideId, (int) file.xs()[i], (int) file.ys()[i]),
                file.file() + ": 'features' row " + i + " is not finite (NaN or infinity)",
                true);
        skipped.add(input);
        listener.skipped(input);
      }
      long before = buffer.added();
      boolean project = checked.rows() == FeatureSpace.PRE_PROJECTION;
      file.forEachBlock(
          (first, features) -> {
            List<Integer> rowsHere = new ArrayList<>();
            List<float[]> raw = new ArrayList<>();
            for (int r = 0; r < features.length; r++) {
              if (write.get((int) first + r)) {
                rowsHere.add((int) first + r);
                raw.add(features[r]);
              }
            }
            List<float[]> embeddings =
                project
                    ? projected(file, raw, rowsHere, skipped, listener)
                    : raw.stream().map(FeatureIngest::unitLength).toList();
            List<TileRecord> records = new ArrayList<>();
            List<float[]> kept = new ArrayList<>();
            List<float[]> keptEmbeddings = new ArrayList<>();
            for (int i = 0; i < rowsHere.size(); i++) {
              if (embeddings.get(i) != null) {
                records.add(tileRecord(file, rowsHere.get(i), slideId, tileMpp, source, extra));
                kept.add(raw.get(i));
                keptEmbeddings.add(embeddings.get(i));
              }
            }
            if (!records.isEmpty()) {
              buffer.add(records, keptEmbeddings, project ? kept : null);
            }
          });
      buffer.flush();
      if (buffer.added() > before) {
        SlidePooling.update(index, List.of(slideId));
      }
      if (reader != null) {
        writeSlideRecord(checked, reader, index, tileMpp, buffer.added() - before + unchanged);
      }
      return unchanged;
    } finally {
      if (reader != null) {
        reader.close();
      }
    }
  }

  /**
   * The unit embeddings of pre-projection {@code rows} through the bundle's projection; null for a
   * row whose projection is not finite, which is named and skipped as a non-finite row is.
   */
  private List<float[]> projected(
      FeatureFile file,
      List<float[]> rows,
      List<Integer> rowNumbers,
      List<SkippedInput> skipped,
      IngestListener listener) {
    if (rows.isEmpty()) {
      return List.of();
    }
    try {
      return model.projection().project(rows);
    } catch (NonFiniteEmbeddingException e) {
      for (int i : e.failed()) {
        int row = rowNumbers.get(i);
        SkippedInput input =
            new SkippedInput(
                TileIds.ofPosition(file.slideId(), (int) file.xs()[row], (int) file.ys()[row]),
                file.file()
                    + ": 'features' row "
                    + row
                    + " projects to a non-finite embedding (NaN or infinity)",
                true);
        skipped.add(input);
        listener.skipped(input);
      }
      return e.embeddings();
    }
  }

  /**
   * The row scaled to unit length; a row already of unit length (PathLens's own exports) is kept
   * bit for bit, so that an export ingested again is the same index, not one a rounding away.
   */
  static float[] unitLength(float[] row) {
    double sum = 0;
    for (float v : row) {
      sum += (double) v * v;
    }
    return Math.abs(Math.sqrt(sum) - 1) < 1e-6 ? row : Embeddings.l2Normalize(row);
  }

  /** Rows with a NaN or an infinity, found in a first pass so that nothing else is half-written. */
  private static BitSet nonFiniteRows(FeatureFile file) throws IOException {
    BitSet rows = new BitSet(file.rows());
    file.forEachBlock(
        (first, features) -> {
          for (int r = 0; r < features.length; r++) {
            for (float v : features[r]) {
              if (!Float.isFinite(v)) {
                rows.set((int) first + r);
                break;
              }
            }
          }
        });
    return rows;
  }

  private static TileRecord tileRecord(
      FeatureFile file,
      int row,
      String slideId,
      Double tileMpp,
      String source,
      Map<String, String> extra) {
    int x = (int) file.xs()[row], y = (int) file.ys()[row];
    Map<String, Object> fields = new HashMap<>();
    fields.put(TileFields.ID, TileIds.ofPosition(slideId, x, y));
    fields.put(TileFields.SLIDE_ID, slideId);
    fields.put(TileFields.X, x);
    fields.put(TileFields.Y, y);
    fields.put(TileFields.SOURCE, source);
    if (tileMpp != null) {
      fields.put(TileFields.MPP, tileMpp);
    }
    return TileRecord.of(fields, extra);
  }

  /**
   * The linked slide's record: its pyramid and µm/px, the patch size as the tile size, and the
   * feature file's attributes beside the slide's own properties.
   */
  private void writeSlideRecord(
      Checked checked, SlideReader reader, TileIndex index, double tileMpp, long tiles)
      throws IOException, FeatureFileException {
    FeatureFile file = checked.file();
    Map<String, String> properties = new HashMap<>(reader.properties());
    file.attributes().forEach((k, v) -> properties.put("features." + k, v));
    properties.put("features.file", file.file().toAbsolutePath().normalize().toString());
    properties.put("features.space", checked.rows().value());
    if (checked.rows() == FeatureSpace.PRE_PROJECTION) {
      properties.put(
          "features.projection",
          model.projection().file().getFileName()
              + (model.projection().from().isEmpty()
                  ? ""
                  : " (" + model.projection().from() + ")"));
    }
    if (trustFeatures && file.encoder().isPresent() && !model.isNamed(file.encoder().get())) {
      properties.put(
          "features.trusted", "encoder '" + file.encoder().get() + "' read as " + model.name());
    }
    SlideMppRule.SlideMpp mpp0 = levelZeroMpp(reader);
    int levelRead =
        file.footprint() instanceof FeatureFile.LevelFootprint level
            ? level.patchLevel()
            : reader.bestLevelForDownsample(checked.footprint0() / file.footprint().patchSize());
    RgbImage thumbnail =
        index.slideRecords().thumbnail(file.slideId()).isEmpty() || tiles > 0
            ? reader.thumbnail(thumbnailSize)
            : null;
    index
        .slideRecords()
        .write(
            new SlideRecord(
                file.slideId(),
                reader.path().toAbsolutePath().normalize().toString(),
                reader.vendor(),
                mpp0.mpp().x(),
                mpp0.mpp().y(),
                reader.levels(),
                tileMpp,
                file.footprint().patchSize(),
                levelRead,
                0.0,
                1.0,
                tiles,
                SlideRecord.THUMBNAILS + "/" + file.slideId() + ".png",
                properties,
                null, // the backend records the hash of the PNG it writes
                mpp0.source().key(),
                SlideFingerprint.of(reader.path())),
            thumbnail);
  }
}
