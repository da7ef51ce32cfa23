package org.pathlens.eval.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.ingest.CsvRecords;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.IngestSummary;
import org.pathlens.index.ingest.RegionFiles;
import org.pathlens.index.ingest.SlideFiles;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.index.regions.Region;
import org.pathlens.index.regions.SlideRegions;
import org.pathlens.prompts.slides.TileFootprint;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * The tiles an evaluation config runs on, with their embeddings: generated into a temporary folder
 * and embedded, read from a labels CSV and embedded, or read with their stored embeddings from a
 * tile index.
 */
final class EvalDatasets {

  private EvalDatasets() {}

  /**
   * The dataset's tiles with their embeddings by {@code model}: generated into a temporary folder
   * (deleted once embedded) or read from a labels CSV and embedded, or read from a tile index with
   * their stored embeddings. What every task of the config, and {@link EvalComparison}, works on,
   * after {@link EvalTasks#robustify}.
   */
  static Tiles tiles(
      EvalConfig config,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped,
      DatasetGenerator generator) {
    return tiles(config, model, encoderOptions, onSkipped, new EvalRun.TileCache(generator));
  }

  /** As above; image tiles are embedded with the config's stain handling ({@code robustify}). */
  static Tiles tiles(
      EvalConfig config,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped,
      EvalRun.TileCache cache) {
    List<Path> generated = new ArrayList<>();
    try {
      return switch (config.dataset()) {
        case EvalConfig.Generated g ->
            fromFiles(
                config,
                cache.generate(g, generated),
                LabelledTiles.DEFAULT_LABEL_COLUMN,
                model,
                encoderOptions,
                onSkipped);
        case EvalConfig.LabelsCsv l ->
            fromFiles(config, l.csv(), l.labelColumn(), model, encoderOptions, onSkipped);
        case EvalConfig.GeneratedSlides g -> fromSlides(config, g, model, encoderOptions, cache);
        case EvalConfig.AnnotatedSlides a -> fromAnnotatedSlides(config, a, model, encoderOptions);
        case EvalConfig.IndexTiles i -> {
          if (!config.robustify().stain().isNone()) {
            throw new IllegalArgumentException(
                config.file()
                    + ": robustify: stain_norm and tta act on images, and an"
                    + " index holds embeddings; ingest with the stain options instead (pathlens ingest --stain-norm ...)");
          }
          yield fromIndex(config, i, model);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(config.file() + ": " + e.getMessage(), e);
    } finally {
      generated.forEach(EvalRun::deleteQuietly);
    }
  }

  /**
   * The tiles of a dataset with their embeddings, ids, captions (blank when none) and patients.
   *
   * @param embedded tiles and unit image embeddings; a tile's {@code group} is its slide
   * @param patients each tile's patient ({@code patient_id}), null when it has none
   */
  record Tiles(
      EmbeddedTiles embedded, List<String> ids, List<String> captions, List<String> patients) {}

  private static Tiles fromFiles(
      EvalConfig config,
      Path csv,
      String labelColumn,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped) {
    LabelledTiles labelled =
        keepSites(
            LabelledTiles.read(csv, labelColumn, LabelledTiles.DEFAULT_GROUP_COLUMN),
            config.dataset().sites(),
            config.file());
    EmbeddedTiles embedded =
        EmbeddedTiles.embed(
            labelled,
            model.images().withStain(config.robustify().stain()),
            encoderOptions.batchSize(),
            onSkipped);
    Map<Path, String[]> idAndCaption = idsAndCaptions(csv);
    List<String> ids = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    List<String> patients = new ArrayList<>();
    for (LabelledTiles.Tile tile : embedded.tiles()) {
      String[] row = idAndCaption.get(tile.file());
      ids.add(row[0]);
      captions.add(row[1]);
      patients.add(row[2]);
    }
    return new Tiles(embedded, ids, captions, patients);
  }

  /**
   * Generated slides with the generator's truth ({@link #labelledSlideTiles}); slides and index are
   * deleted once the tiles are read, the embeddings stay.
   */
  private static Tiles fromSlides(
      EvalConfig config,
      EvalConfig.GeneratedSlides dataset,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      EvalRun.TileCache cache)
      throws IOException {
    Path dir = Files.createTempDirectory("pathlens-eval-slides-");
    try {
      List<DatasetGenerator.Slide> slides = cache.generateSlides(dataset, dir.resolve("slides"));
      return labelledSlideTiles(config, slides, model, encoderOptions, dir.resolve("index"));
    } finally {
      EvalRun.deleteQuietly(dir);
    }
  }

  /**
   * Slide files with QuPath GeoJSON regions as truth, matched as {@code ingest --regions} matches
   * them ({@link RegionFiles}): a tile's class is that of the smallest region holding its centre,
   * and a tile whose centre is in no region is left out (nothing says what it is).
   */
  private static Tiles fromAnnotatedSlides(
      EvalConfig config,
      EvalConfig.AnnotatedSlides dataset,
      VisionLanguageModel model,
      EncoderOptions encoderOptions)
      throws IOException {
    List<Path> files = SlideFiles.expand(List.of(dataset.slides()));
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          config.file() + ": dataset.slide_files: no slide file in " + dataset.slides());
    }
    RegionFiles regions;
    try {
      regions = RegionFiles.read(dataset.regions(), files);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(config.file() + ": dataset.regions: " + e.getMessage(), e);
    }
    List<DatasetGenerator.Slide> slides = new ArrayList<>();
    for (Path file : files) {
      SlideRegions slideRegions = regions.forSlide(SlideFiles.slideId(file)).orElseThrow();
      slides.add(
          new DatasetGenerator.Slide(
              file, null, (x, y) -> slideRegions.at(x, y).map(Region::className).orElse(null)));
    }
    Path dir = Files.createTempDirectory("pathlens-eval-index-");
    try {
      return labelledSlideTiles(config, slides, model, encoderOptions, dir);
    } finally {
      EvalRun.deleteQuietly(dir);
    }
  }

  /**
   * The slides ingested into a new index in {@code indexDir} as {@code pathlens ingest} does
   * (tissue tiles of the default tiling at the model's input size), each tile labelled with its
   * slide's true class at its centre, in slide and tile id order; tiles where the truth says
   * nothing (null) are left out. The tile's footprint is the one the heatmap draws ({@link
   * TileFootprint}: the tiling's stride on the slide).
   */
  private static Tiles labelledSlideTiles(
      EvalConfig config,
      List<DatasetGenerator.Slide> slides,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      Path indexDir)
      throws IOException {
    List<StoredTile> stored = new ArrayList<>();
    try (TileIndex index =
        TileIndex.open(
            indexDir,
            IndexProvenance.of(model, config.robustify().stain()),
            IndexSettings.defaults())) {
      IngestSummary summary =
          new SlideIngest(
                  model.images().withStain(config.robustify().stain()),
                  TilingOptions.defaults().withTileSize(model.bundle().config().image().size()),
                  TissueDetector.defaults(),
                  encoderOptions.batchSize(),
                  1,
                  SlideIngest.DEFAULT_THUMBNAIL_SIZE)
              .ingest(
                  slides.stream().map(DatasetGenerator.Slide::file).toList(),
                  index,
                  IngestListener.NONE);
      if (!summary.skipped().isEmpty()) {
        // A slide missing from the scores would move every number: refused, not passed over.
        throw new IllegalArgumentException(
            config.file() + ": dataset: slides could not be ingested: " + summary.skipped());
      }
      index.forEachTile(TileFilter.ALL, stored::add);
    }
    stored.sort(
        Comparator.comparing((StoredTile t) -> t.record().slideId())
            .thenComparing(t -> t.record().id()));
    Map<String, DatasetGenerator.Slide> bySlide = new HashMap<>();
    for (DatasetGenerator.Slide slide : slides) {
      bySlide.put(SlideFiles.slideId(slide.file()), slide);
    }
    Map<String, List<TileRecord>> records = new TreeMap<>();
    stored.forEach(
        t -> records.computeIfAbsent(t.record().slideId(), k -> new ArrayList<>()).add(t.record()));
    Map<String, Double> side0 = new HashMap<>();
    records.forEach(
        (slide, tiles) ->
            side0.put(
                slide,
                // A slide of one tile shows no stride: refused by TileFootprint, not guessed.
                TileFootprint.of(tiles, OptionalDouble.empty()).side0()));
    List<LabelledTiles.Tile> tiles = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (StoredTile t : stored) {
      TileRecord r = t.record();
      DatasetGenerator.Slide slide = bySlide.get(r.slideId());
      if (slide == null) {
        throw new IllegalStateException(
            "tile " + r.id() + " names slide " + r.slideId() + ", not one evaluated");
      }
      double half = side0.get(r.slideId()) / 2;
      String truth = slide.truth().classAt(r.x() + half, r.y() + half);
      if (truth == null) {
        continue;
      }
      tiles.add(new LabelledTiles.Tile(Path.of(r.id()), truth, r.slideId(), slide.center()));
      embeddings.add(t.embedding());
      ids.add(r.id());
    }
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException(
          config.file() + ": dataset: the slides gave no tissue tile with a known true class");
    }
    return new Tiles(
        new EmbeddedTiles(List.copyOf(tiles), List.copyOf(embeddings)),
        ids,
        Collections.nCopies(tiles.size(), ""),
        Collections.nCopies(tiles.size(), (String) null));
  }

  /**
   * Stored embeddings of an index's tiles, in id order (the index's own order depends on its
   * segments).
   */
  private static Tiles fromIndex(
      EvalConfig config, EvalConfig.IndexTiles dataset, VisionLanguageModel model)
      throws IOException {
    List<StoredTile> stored = new ArrayList<>();
    TileFilter filter =
        dataset.filter() == null ? TileFilter.ALL : TileFilter.parse(dataset.filter());
    try (TileIndex index =
        TileIndex.openForSearch(
            dataset.index(), IndexProvenance.of(model), IndexSettings.defaults())) {
      index.forEachTile(filter, stored::add);
    }
    stored.sort(Comparator.comparing(t -> t.record().id()));
    List<LabelledTiles.Tile> tiles = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    List<String> patients = new ArrayList<>();
    for (StoredTile t : stored) {
      TileRecord r = t.record();
      if (!dataset.sites().isEmpty() && !dataset.sites().contains(r.site())) {
        continue;
      }
      if (r.label() == null || r.label().isBlank()) {
        throw new IllegalArgumentException(
            config.file()
                + ": dataset.index: tile "
                + r.id()
                + " of "
                + dataset.index()
                + " has no label (ingest with a manifest that has a label column, or filter it out with -label:*)");
      }
      tiles.add(new LabelledTiles.Tile(Path.of(r.id()), r.label(), r.slideId(), r.site()));
      embeddings.add(t.embedding());
      ids.add(r.id());
      captions.add(r.caption() == null ? "" : r.caption());
      patients.add(r.patientId() == null || r.patientId().isBlank() ? null : r.patientId());
    }
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException(
          config.file()
              + ": dataset: no tile of "
              + dataset.index()
              + " matches filter "
              + dataset.filter()
              + " and sites "
              + dataset.sites());
    }
    return new Tiles(
        new EmbeddedTiles(List.copyOf(tiles), List.copyOf(embeddings)), ids, captions, patients);
  }

  /**
   * Per tile file: its id ({@code tile_id}, else the path as written), caption (blank when none)
   * and patient ({@code patient_id}; null when none).
   */
  private static Map<Path, String[]> idsAndCaptions(Path csv) {
    List<List<String>> records;
    try {
      records = CsvRecords.read(csv);
    } catch (IOException e) {
      throw new UncheckedIOException(csv + ": cannot be read: " + e.getMessage(), e);
    }
    List<String> header = records.getFirst();
    int path = header.indexOf("path");
    int id = header.indexOf("tile_id");
    int caption = header.indexOf("caption");
    int patient = header.indexOf("patient_id");
    Path base = csv.toAbsolutePath().getParent();
    Map<Path, String[]> out = new HashMap<>();
    for (List<String> row : records.subList(1, records.size())) {
      out.put(
          base.resolve(row.get(path)).normalize(),
          new String[] {
            id >= 0 ? row.get(id) : row.get(path),
            caption >= 0 ? row.get(caption) : "",
            patient >= 0 && !row.get(patient).isBlank() ? row.get(patient) : null
          });
    }
    return out;
  }

  private static LabelledTiles keepSites(LabelledTiles all, List<String> sites, Path configFile) {
    if (sites.isEmpty()) {
      return all;
    }
    List<LabelledTiles.Tile> kept =
        all.tiles().stream().filter(t -> sites.contains(t.site())).toList();
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(
          configFile + ": dataset.sites: no tile of " + all.csv() + " is from " + sites);
    }
    return new LabelledTiles(all.csv(), kept);
  }
}
