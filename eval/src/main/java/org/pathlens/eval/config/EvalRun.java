package org.pathlens.eval.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.eval.retrieval.CaseItems;
import org.pathlens.eval.retrieval.RetrievalEvaluation;
import org.pathlens.eval.segmentation.SegmentationScores;
import org.pathlens.eval.segmentation.TileMasks;
import org.pathlens.prompts.PromptScreening;

/**
 * Runs an {@link EvalConfig}: gets its embedded tiles ({@link EvalDatasets}, kept between configs
 * by a {@link TileCache}), runs its task on them ({@link EvalTasks}) and returns the metrics the
 * config asks for. The library call behind {@code pathlens eval run}; {@link Expectations} compares
 * the result.
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
   * @param cases for case retrieval (a retrieval task with a level), the items queried; null for
   *     other tasks
   * @param segmented for segmentation, each tile's probabilities and masks; null for other tasks
   */
  public record Result(
      EvalConfig config,
      String model,
      String bundleHash,
      int tiles,
      List<MetricValue> values,
      EmbeddedTiles embedded,
      Classified classified,
      CaseItems cases,
      Segmented segmented) {

    public Result(
        EvalConfig config,
        String model,
        String bundleHash,
        int tiles,
        List<MetricValue> values,
        EmbeddedTiles embedded,
        Classified classified,
        CaseItems cases) {
      this(config, model, bundleHash, tiles, values, embedded, classified, cases, null);
    }

    public Result(
        EvalConfig config,
        String model,
        String bundleHash,
        int tiles,
        List<MetricValue> values,
        EmbeddedTiles embedded,
        Classified classified) {
      this(config, model, bundleHash, tiles, values, embedded, classified, null);
    }
  }

  private EvalRun() {}

  /**
   * Embedded tiles kept between runs of one process: configs over the same model, dataset and stain
   * handling (as the rows of a robustification table are) embed their tiles once; batch correction
   * is applied after the cache, so it does not split it. {@link #keepingGeneratedTiles()} also
   * keeps generated tile folders, so that configs that embed the same generated tiles with other
   * stain handling generate them once; {@link #close()} deletes them.
   */
  public static final class TileCache implements AutoCloseable {
    private final Map<String, EvalDatasets.Tiles> tiles = new HashMap<>();
    private final Map<String, Path> generated;
    private final DatasetGenerator generator;

    /**
     * Keeps embedded tiles only: a generated folder is deleted once its tiles are embedded.
     *
     * @param generator writes the datasets of {@code dataset: generate:} configs
     */
    public TileCache(DatasetGenerator generator) {
      this(generator, null);
    }

    private TileCache(DatasetGenerator generator, Map<String, Path> generated) {
      this.generator = generator;
      this.generated = generated;
    }

    /** Keeps generated tile folders too, until {@link #close()}. */
    public static TileCache keepingGeneratedTiles(DatasetGenerator generator) {
      return new TileCache(generator, new HashMap<>());
    }

    private EvalDatasets.Tiles get(EvalConfig config) {
      return tiles.get(key(config));
    }

    private void put(EvalConfig config, EvalDatasets.Tiles value) {
      tiles.put(key(config), value);
    }

    private static String key(EvalConfig config) {
      return config.model() + "\n" + config.dataset() + "\n" + config.robustify().stain().toJson();
    }

    /** The manifest of the generated tiles, made now or kept from an earlier config. */
    Path generate(EvalConfig.Generated g, List<Path> toDelete) throws IOException {
      String key = g.perClass() + "/" + g.centers() + "/" + g.seed() + "/" + g.layout();
      Path dir = generated == null ? null : generated.get(key);
      if (dir == null) {
        dir = Files.createTempDirectory("pathlens-eval-");
        Path manifest = generator.write(dir, g.perClass(), g.centers(), g.seed(), g.layout());
        if (!manifest.equals(dir.resolve("manifest.csv"))) {
          throw new IllegalStateException(
              "the generator wrote " + manifest + ", not " + dir + "/manifest.csv");
        }
        if (generated == null) {
          toDelete.add(dir);
        } else {
          generated.put(key, dir);
        }
      }
      return dir.resolve("manifest.csv");
    }

    /** The generated slides of a {@code dataset: slides:} block, written into {@code dir}. */
    List<DatasetGenerator.Slide> generateSlides(EvalConfig.GeneratedSlides g, Path dir)
        throws IOException {
      Files.createDirectories(dir);
      return generator.writeSlides(dir, g.count(), g.width(), g.height(), g.centers(), g.seed());
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
   * Runs {@code config}, taking and leaving embedded tiles in {@code cache} (whose generator writes
   * generated datasets).
   */
  public static Result run(
      EvalConfig config,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped,
      TileCache cache) {
    try (VisionLanguageModel model = VisionLanguageModel.load(config.model(), encoderOptions)) {
      EvalDatasets.Tiles tiles = cache.get(config);
      if (tiles == null) {
        tiles = EvalDatasets.tiles(config, model, encoderOptions, onSkipped, cache);
        cache.put(config, tiles);
      }
      tiles = EvalTasks.robustify(config, tiles);
      Classified classified =
          switch (config.task()) {
            case EvalConfig.ZeroShot _, EvalConfig.FewShot _ ->
                EvalTasks.classify(config, tiles.embedded(), model);
            default -> null;
          };
      CaseItems cases =
          config.task() instanceof EvalConfig.Retrieval r && r.level() != null
              ? EvalTasks.caseItems(config, r, tiles)
              : null;
      Segmented segmented = null;
      if (config.task() instanceof EvalConfig.Segmentation s) {
        segmented =
            s.classifiers() == null
                ? EvalTasks.segment(config, s, tiles, model)
                : SavedClassifierSegmentation.segment(
                    config,
                    s,
                    tiles,
                    exampleTiles(config, s, model, encoderOptions, onSkipped, cache),
                    model.logitScale());
      }
      List<MetricValue> values =
          switch (config.task()) {
            case EvalConfig.Segmentation _ ->
                SegmentationScores.of(segmented.masks(), config.bootstrap());
            case EvalConfig.ZeroShot _, EvalConfig.FewShot _ ->
                EvalTasks.classificationValues(config, tiles.embedded(), classified);
            case EvalConfig.Retrieval r when cases != null ->
                EvalTasks.caseRetrieval(config, r, cases);
            case EvalConfig.Retrieval r ->
                RetrievalEvaluation.run(EvalTasks.retrievalItems(tiles, model), config.bootstrap());
            case EvalConfig.Robustness r -> EvalTasks.robustness(config, r, tiles.embedded());
          };
      return new Result(
          config,
          model.bundle().config().name(),
          model.bundle().contentHash(),
          tiles.embedded().size(),
          select(values, config),
          tiles.embedded(),
          classified,
          cases,
          segmented);
    }
  }

  /**
   * The generated example tiles of a segmentation task's saved classifiers, embedded by the
   * config's model with its stain handling and robustification, as the evaluated tiles are (and
   * kept in {@code cache} like any dataset).
   */
  private static EvalDatasets.Tiles exampleTiles(
      EvalConfig config,
      EvalConfig.Segmentation task,
      VisionLanguageModel model,
      EncoderOptions encoderOptions,
      Consumer<String> onSkipped,
      TileCache cache) {
    EvalConfig examples =
        new EvalConfig(
            config.file(),
            config.name(),
            config.model(),
            task.classifiers().examples(),
            config.task(),
            config.metrics(),
            config.bootstrap(),
            config.tolerance(),
            config.expected(),
            config.robustify(),
            config.table());
    EvalDatasets.Tiles tiles = cache.get(examples);
    if (tiles == null) {
      tiles = EvalDatasets.tiles(examples, model, encoderOptions, onSkipped, cache);
      cache.put(examples, tiles);
    }
    return EvalTasks.robustify(examples, tiles);
  }

  /**
   * What a segmentation task predicted, tile by tile in the dataset's order.
   *
   * @param tileIds each tile's id ({@code <slide>@<x>,<y>})
   * @param probabilities each tile's class probabilities, as the heatmap colours them
   * @param masks true classes and the masks the decision rule made of the probabilities
   */
  public record Segmented(List<String> tileIds, float[][] probabilities, TileMasks masks) {}

  /**
   * What a classification task predicts for the tiles it tests.
   *
   * @param tileIndices per prediction, its tile's index among the tiles given (few-shot tests only
   *     the tiles it did not train on)
   * @param screening for a zero-shot task with {@code screen_prompts}, which prompt variants the
   *     label-free screening kept and their scores; else null
   */
  public record Classified(
      Predictions predictions, List<Integer> tileIndices, PromptScreening screening) {
    public Classified(Predictions predictions, List<Integer> tileIndices) {
      this(predictions, tileIndices, null);
    }
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

  static void deleteQuietly(Path dir) {
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
