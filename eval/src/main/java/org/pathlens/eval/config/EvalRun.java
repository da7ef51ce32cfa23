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
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.pathlens.classify.Classifier;
import org.pathlens.classify.PromptEmbeddings;
import org.pathlens.classify.PromptSet;
import org.pathlens.classify.PromptSetReader;
import org.pathlens.classify.ZeroShotClassifier;
import org.pathlens.classify.fewshot.KnnClassifier;
import org.pathlens.classify.fewshot.LabelledEmbeddings;
import org.pathlens.classify.fewshot.LinearProbe;
import org.pathlens.classify.fewshot.PrototypeClassifier;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.FewShotEvaluation;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.classify.MetricsReport;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.eval.metrics.RobustnessIndex;
import org.pathlens.eval.retrieval.RetrievalEvaluation;
import org.pathlens.eval.robustness.BatchCorrectedTiles;
import org.pathlens.eval.robustness.ClusteringScore;
import org.pathlens.eval.robustness.PerformanceDrop;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.ingest.CsvRecords;

/**
 * Runs an {@link EvalConfig}: gets the embedded tiles (generated into a temporary folder and
 * embedded, read from a labels CSV and embedded, or read with their stored embeddings from a tile
 * index), runs the task on them and returns the configured metrics. The library call behind {@code
 * pathlens eval run}; {@link Expectations} compares the result.
 */
public final class EvalRun {

  /**
   * What a run measured.
   *
   * @param model the bundle's name
   * @param bundleHash its content hash
   * @param tiles tiles evaluated (after the site filter and unreadable files)
   * @param values the configured metrics, in the task's order
   * @param embedded every tile of the dataset with its image embedding (reports map them)
   * @param classified for zero-shot and few-shot tasks, the predictions the metrics came from and
   *     which of {@code embedded} they are about; null for other tasks
   */
  public record Result(
      EvalConfig config,
      String model,
      String bundleHash,
      int tiles,
      List<MetricValue> values,
      EmbeddedTiles embedded,
      Classified classified) {}

  private static final int TEXT_BATCH = 64;

  private EvalRun() {}

  public static Result run(
      EvalConfig config, EncoderOptions encoderOptions, Consumer<String> onSkipped) {
    return run(config, encoderOptions, onSkipped, new TileCache());
  }

  /**
   * Embedded tiles kept between runs of one process: configs over the same model, dataset and stain
   * handling (as the rows of a robustification table are) embed their tiles once; batch correction
   * is applied after the cache, so it does not split it. {@link #keepingGeneratedTiles()} also
   * keeps generated tile folders, so that configs that embed the same generated tiles with other
   * stain handling generate them once; {@link #close()} deletes them.
   */
  public static final class TileCache implements AutoCloseable {
    private final Map<String, Tiles> tiles = new HashMap<>();
    private final Map<String, Path> generated;

    /** Keeps embedded tiles only: a generated folder is deleted once its tiles are embedded. */
    public TileCache() {
      this.generated = null;
    }

    private TileCache(Map<String, Path> generated) {
      this.generated = generated;
    }

    /** Keeps generated tile folders too, until {@link #close()}. */
    public static TileCache keepingGeneratedTiles() {
      return new TileCache(new HashMap<>());
    }

    private Tiles get(EvalConfig config) {
      return tiles.get(key(config));
    }

    private void put(EvalConfig config, Tiles value) {
      tiles.put(key(config), value);
    }

    private static String key(EvalConfig config) {
      return config.model() + "\n" + config.dataset() + "\n" + config.robustify().stain().toJson();
    }

    /** The manifest of the generated tiles, made now or kept from an earlier config. */
    private Path generate(EvalConfig.Generated g, List<Path> toDelete) throws IOException {
      String key = g.perClass() + "/" + g.centers() + "/" + g.seed();
      Path dir = generated == null ? null : generated.get(key);
      if (dir == null) {
        dir = Files.createTempDirectory("pathlens-eval-");
        SyntheticTiles.write(dir, g.perClass(), g.centers(), g.seed());
        if (generated == null) {
          toDelete.add(dir);
        } else {
          generated.put(key, dir);
        }
      }
      return dir.resolve("manifest.csv"); // SyntheticTiles.write's manifest
    }

    @Override
    public void close() {
      if (generated != null) {
        generated.values().forEach(EvalRun::deleteQuietly);
        generated.clear();
      }
    }
  }

  /**
   * As {@link #run(EvalConfig, EncoderOptions, Consumer)}, taking and leaving embedded tiles in
   * {@code cache}.
   */
  public static Result run(
      EvalConfig config,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped,
      TileCache cache) {
    try (VisionLanguageModel model = VisionLanguageModel.load(config.model(), encoderOptions)) {
      Tiles tiles = cache.get(config);
      if (tiles == null) {
        tiles = tiles(config, model, encoderOptions, onSkipped, cache);
        cache.put(config, tiles);
      }
      tiles = robustify(config, tiles);
      Classified classified =
          switch (config.task()) {
            case EvalConfig.ZeroShot _, EvalConfig.FewShot _ ->
                classify(config, tiles.embedded(), model);
            default -> null;
          };
      List<MetricValue> values =
          switch (config.task()) {
            case EvalConfig.ZeroShot _, EvalConfig.FewShot _ ->
                classificationValues(config, tiles.embedded(), classified);
            case EvalConfig.Retrieval r ->
                RetrievalEvaluation.run(retrievalItems(tiles, model), config.bootstrap());
            case EvalConfig.Robustness r -> robustness(config, r, tiles.embedded());
          };
      return new Result(
          config,
          model.bundle().config().name(),
          model.bundle().contentHash(),
          tiles.embedded().size(),
          select(values, config),
          tiles.embedded(),
          classified);
    }
  }

  /**
   * The dataset's tiles with their embeddings by {@code model}: generated into a temporary folder
   * (deleted once embedded) or read from a labels CSV and embedded, or read from a tile index with
   * their stored embeddings. What every task of the config, and {@link EvalComparison}, works on,
   * after {@link #robustify}.
   */
  static Tiles tiles(
      EvalConfig config,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped) {
    return tiles(config, model, encoderOptions, onSkipped, new TileCache());
  }

  /** As above; image tiles are embedded with the config's stain handling ({@code robustify}). */
  private static Tiles tiles(
      EvalConfig config,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped,
      TileCache cache) {
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
   * The tiles of a dataset with their embeddings, ids and captions (blank when none).
   *
   * @param embedded tiles and unit image embeddings; a tile's {@code group} is its slide
   */
  record Tiles(EmbeddedTiles embedded, List<String> ids, List<String> captions) {}

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
    for (LabelledTiles.Tile tile : embedded.tiles()) {
      String[] row = idAndCaption.get(tile.file());
      ids.add(row[0]);
      captions.add(row[1]);
    }
    return new Tiles(embedded, ids, captions);
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
    return new Tiles(new EmbeddedTiles(List.copyOf(tiles), List.copyOf(embeddings)), ids, captions);
  }

  /**
   * The tiles with the config's embedding-level robustification applied (batch correction), the
   * same tiles in the same order; every task and each side of {@link EvalComparison} works on
   * these.
   */
  static Tiles robustify(EvalConfig config, Tiles tiles) {
    if (config.robustify().batchCorrection() == null) {
      return tiles;
    }
    try {
      EmbeddedTiles corrected =
          BatchCorrectedTiles.apply(tiles.embedded(), config.robustify().batchCorrection()).tiles();
      return new Tiles(corrected, tiles.ids(), tiles.captions());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          config.file() + ": robustify.batch_correction: " + e.getMessage(), e);
    }
  }

  /** The classification metrics, and with zero-shot {@code by_site} the accuracy per center. */
  private static List<MetricValue> classificationValues(
      EvalConfig config, EmbeddedTiles tiles, Classified classified) {
    List<MetricValue> values =
        new ArrayList<>(
            classificationValues(MetricsReport.of(classified.predictions(), config.bootstrap())));
    if (config.task() instanceof EvalConfig.ZeroShot z && z.bySite()) {
      values.addAll(accuracyBySite(config, tiles, classified));
    }
    return values;
  }

  /**
   * {@code accuracy@<site>} per center in name order, each with its own bootstrap over that
   * center's slides.
   */
  private static List<MetricValue> accuracyBySite(
      EvalConfig config, EmbeddedTiles tiles, Classified classified) {
    List<String> sites = new ArrayList<>();
    for (int tileIndex : classified.tileIndices()) {
      LabelledTiles.Tile tile = tiles.tiles().get(tileIndex);
      if (tile.site() == null) {
        throw new IllegalArgumentException(
            config.file()
                + ": task.by_site needs the site of every tile; "
                + tile.file()
                + " has none");
      }
      sites.add(tile.site());
    }
    List<MetricValue> values = new ArrayList<>();
    classified
        .predictions()
        .split(sites)
        .forEach(
            (site, p) ->
                values.add(
                    new MetricValue(
                        "accuracy@" + site, config.bootstrap().interval(p, Metric.ACCURACY::of))));
    return values;
  }

  /**
   * What a classification task predicts for the tiles it tests.
   *
   * @param tileIndices per prediction, its tile's index among the tiles given (few-shot tests only
   *     the tiles it did not train on)
   */
  public record Classified(Predictions predictions, List<Integer> tileIndices) {}

  /** The predictions of a zero-shot or few-shot task; any other task is an error. */
  static Classified classify(EvalConfig config, EmbeddedTiles tiles, VisionLanguageModel model) {
    return switch (config.task()) {
      case EvalConfig.ZeroShot z -> zeroShot(z, tiles, model);
      case EvalConfig.FewShot f -> fewShot(config, f, tiles, model);
      default ->
          throw new IllegalArgumentException(
              config.file() + ": task: not a classification task (zeroshot, fewshot)");
    };
  }

  private static Classified zeroShot(
      EvalConfig.ZeroShot task, EmbeddedTiles tiles, VisionLanguageModel model) {
    PromptSet prompts = PromptSetReader.resolve(task.prompts());
    tiles.requireLabelsIn(prompts.classIds(), "prompt set " + prompts.name());
    PromptEmbeddings promptEmbeddings = PromptEmbeddings.encode(prompts, model.texts());
    ZeroShotClassifier classifier =
        new ZeroShotClassifier(prompts, promptEmbeddings.classEmbeddings(), model.logitScale());
    return new Classified(
        tiles.predict(classifier), IntStream.range(0, tiles.size()).boxed().toList());
  }

  private static Classified fewShot(
      EvalConfig config, EvalConfig.FewShot task, EmbeddedTiles tiles, VisionLanguageModel model) {
    List<String> classIds = tiles.labels().stream().distinct().sorted().toList();
    // The split draws exactly `shots` tiles per class into the pool: the training set.
    FewShotEvaluation.SplitIndices indices =
        FewShotEvaluation.splitIndices(tiles, classIds, task.shots(), task.seed());
    FewShotEvaluation.Split split =
        new FewShotEvaluation.Split(tiles.select(indices.pool()), tiles.select(indices.test()));
    LabelledEmbeddings train =
        LabelledEmbeddings.of(classIds, split.pool().embeddings(), split.pool().labels());
    Classifier classifier =
        switch (task.method()) {
          case "linear_probe" -> LinearProbe.train(train, LinearProbe.Options.defaults());
          case "prototype" -> PrototypeClassifier.train(train, model.logitScale());
          case "knn" -> new KnnClassifier(train, Math.min(5, task.shots()));
          default ->
              throw new IllegalArgumentException(
                  config.file() + ": task.method: unknown " + task.method());
        };
    return new Classified(split.test().predict(classifier), indices.test());
  }

  private static List<MetricValue> classificationValues(MetricsReport report) {
    return report.metrics().stream()
        .map(r -> new MetricValue(r.metric().name().toLowerCase(Locale.ROOT), r.interval()))
        .toList();
  }

  /**
   * The tiles as retrieval items: their images, captions (encoded by {@code model}), labels and
   * slides.
   */
  static RetrievalEvaluation.Items retrievalItems(Tiles tiles, VisionLanguageModel model) {
    EmbeddedTiles embedded = tiles.embedded();
    List<String> captionTexts = new ArrayList<>();
    List<Integer> captioned = new ArrayList<>();
    for (int i = 0; i < embedded.size(); i++) {
      if (!tiles.captions().get(i).isBlank()) {
        captioned.add(i);
        captionTexts.add(tiles.captions().get(i));
      }
    }
    List<float[]> captions = new ArrayList<>(Collections.nCopies(embedded.size(), (float[]) null));
    for (int from = 0; from < captionTexts.size(); from += TEXT_BATCH) {
      int to = Math.min(captionTexts.size(), from + TEXT_BATCH);
      List<float[]> encoded = model.texts().encode(captionTexts.subList(from, to));
      for (int j = from; j < to; j++) {
        captions.set(captioned.get(j), encoded.get(j - from));
      }
    }
    List<String> slides = new ArrayList<>();
    for (int i = 0; i < embedded.size(); i++) {
      String group = embedded.tiles().get(i).group();
      slides.add(group != null ? group : tiles.ids().get(i));
    }
    return new RetrievalEvaluation.Items(
        tiles.ids(), embedded.embeddings(), captions, embedded.labels(), slides);
  }

  private static List<MetricValue> robustness(
      EvalConfig config, EvalConfig.Robustness task, EmbeddedTiles tiles) {
    int n = tiles.size();
    String[] centers = new String[n];
    String[] slides = new String[n];
    for (int i = 0; i < n; i++) {
      LabelledTiles.Tile tile = tiles.tiles().get(i);
      if (tile.site() == null) {
        throw new IllegalArgumentException(
            config.file()
                + ": task robustness needs the center (site) of every tile; "
                + tile.file()
                + " has none");
      }
      centers[i] = tile.site();
      // Without slides, each tile is its own slide: only itself is left out of its neighbours.
      slides[i] = tile.group() != null ? tile.group() : tile.file().toString();
    }
    String[] classes = tiles.labels().toArray(String[]::new);
    RobustnessIndex.Counts counts =
        RobustnessIndex.count(tiles.embeddings(), classes, centers, slides, task.k());
    List<MetricValue> values = new ArrayList<>();
    values.add(new MetricValue("robustness_index", counts.interval(config.bootstrap())));
    if (task.apd() != null) {
      PerformanceDrop.Result drop;
      try {
        drop = PerformanceDrop.run(tiles.embeddings(), classes, centers, slides, task.apd());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(config.file() + ": task.apd: " + e.getMessage(), e);
      }
      values.add(new MetricValue("apd", drop.interval(config.bootstrap())));
      // The probe's accuracy per level, so a drop can be read back to where it happens.
      for (int l = 0; l < drop.levels().size(); l++) {
        values.add(
            new MetricValue(
                "apd_accuracy@" + PerformanceDrop.levelName(drop.levels().get(l)),
                drop.accuracyInterval(l, config.bootstrap())));
      }
    }
    if (task.clustering() != null) {
      ClusteringScore.Result clustering =
          ClusteringScore.of(
              tiles.embeddings(), classes, centers, slides, task.clustering().seed());
      values.add(new MetricValue("clustering_score", clustering.interval(config.bootstrap())));
    }
    return values;
  }

  /**
   * Per tile file: its id ({@code tile_id}, else the path as written) and caption (blank when
   * none).
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
    Path base = csv.toAbsolutePath().getParent();
    Map<Path, String[]> out = new HashMap<>();
    for (List<String> row : records.subList(1, records.size())) {
      out.put(
          base.resolve(row.get(path)).normalize(),
          new String[] {
            id >= 0 ? row.get(id) : row.get(path), caption >= 0 ? row.get(caption) : ""
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

  /**
   * The configured metrics in the config's order, or every computed one; an unknown name is an
   * error listing them.
   */
  private static List<MetricValue> select(List<MetricValue> computed, EvalConfig config) {
    if (config.metrics().isEmpty()) {
      return computed;
    }
    List<MetricValue> out = new ArrayList<>();
    for (String name : config.metrics()) {
      out.add(
          computed.stream()
              .filter(v -> v.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          config.file()
                              + ": metrics: \""
                              + name
                              + "\" is not computed by this task; it computes "
                              + computed.stream().map(MetricValue::name).toList())));
    }
    return out;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary folder left behind is harmless; the result stands.
    }
  }
}
