package org.pathlens.eval.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.FewShotEvaluation;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.classify.MetricsReport;
import org.pathlens.eval.classify.ZeroShotEvaluation;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.RobustnessIndex;
import org.pathlens.eval.retrieval.RetrievalEvaluation;
import org.pathlens.fixtures.synth.Csv;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.prompts.Classifier;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.fewshot.KnnClassifier;
import org.pathlens.prompts.fewshot.LabelledEmbeddings;
import org.pathlens.prompts.fewshot.LinearProbe;
import org.pathlens.prompts.fewshot.PrototypeClassifier;

/**
 * Runs an {@link EvalConfig}: gets the tiles (generating them into a temporary folder when the
 * config says so), loads the bundle, runs the task and returns the configured metrics. The
 * library call behind {@code pathlens eval run}; {@link Expectations} compares the result.
 */
public final class EvalRun {

  /**
   * What a run measured.
   *
   * @param model the bundle's name
   * @param bundleHash its content hash
   * @param tiles tiles evaluated (after the site filter and unreadable files)
   * @param values the configured metrics, in the task's order
   */
  public record Result(EvalConfig config, String model, String bundleHash, int tiles, List<MetricValue> values) {}

  private static final int TEXT_BATCH = 64;

  private EvalRun() {}

  public static Result run(EvalConfig config, EncoderOptions encoderOptions, Consumer<String> onSkipped) {
    Path generated = null;
    try {
      Path csv;
      String labelColumn = LabelledTiles.DEFAULT_LABEL_COLUMN;
      switch (config.dataset()) {
        case EvalConfig.Generated g -> {
          generated = Files.createTempDirectory("pathlens-eval-");
          csv = SyntheticTiles.write(generated, g.perClass(), g.centers(), g.seed()).manifest();
        }
        case EvalConfig.LabelsCsv l -> {
          csv = l.csv();
          labelColumn = l.labelColumn();
        }
      }
      LabelledTiles all = LabelledTiles.read(csv, labelColumn, LabelledTiles.DEFAULT_GROUP_COLUMN);
      LabelledTiles labelled = keepSites(all, config.dataset().sites(), config.file());
      try (VisionLanguageModel model = VisionLanguageModel.load(config.model(), encoderOptions)) {
        List<MetricValue> values = switch (config.task()) {
          case EvalConfig.ZeroShot z -> zeroShot(config, z, labelled, model, encoderOptions, onSkipped);
          case EvalConfig.FewShot f -> fewShot(config, f, labelled, model, encoderOptions, onSkipped);
          case EvalConfig.Retrieval r -> retrieval(config, csv, labelled, model, encoderOptions, onSkipped);
          case EvalConfig.Robustness r -> robustness(config, r, labelled, model, encoderOptions, onSkipped);
        };
        return new Result(config, model.bundle().config().name(), model.bundle().contentHash(), labelled.tiles().size(),
            select(values, config));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(config.file() + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(generated);
    }
  }

  private static List<MetricValue> zeroShot(EvalConfig config, EvalConfig.ZeroShot task, LabelledTiles labelled,
      VisionLanguageModel model, EncoderOptions encoderOptions, Consumer<String> onSkipped) {
    ZeroShotEvaluation.Options options =
        new ZeroShotEvaluation.Options(config.bootstrap(), false, List.of(), 1, 1, null, encoderOptions.batchSize());
    ZeroShotEvaluation.Report report =
        ZeroShotEvaluation.run(model, PromptSetReader.read(task.prompts()), labelled, options, onSkipped);
    return classificationValues(report.zeroShot());
  }

  private static List<MetricValue> fewShot(EvalConfig config, EvalConfig.FewShot task, LabelledTiles labelled,
      VisionLanguageModel model, EncoderOptions encoderOptions, Consumer<String> onSkipped) {
    EmbeddedTiles tiles = EmbeddedTiles.embed(labelled, model, encoderOptions.batchSize(), onSkipped);
    List<String> classIds = tiles.labels().stream().distinct().sorted().toList();
    // The split draws exactly `shots` tiles per class into the pool: the training set.
    FewShotEvaluation.Split split = FewShotEvaluation.split(tiles, classIds, task.shots(), task.seed());
    LabelledEmbeddings train = LabelledEmbeddings.of(classIds, split.pool().embeddings(), split.pool().labels());
    Classifier classifier = switch (task.method()) {
      case "linear_probe" -> LinearProbe.train(train, LinearProbe.Options.defaults());
      case "prototype" -> PrototypeClassifier.train(train, model.logitScale());
      case "knn" -> new KnnClassifier(train, Math.min(5, task.shots()));
      default -> throw new IllegalArgumentException(config.file() + ": task.method: unknown " + task.method());
    };
    return classificationValues(MetricsReport.of(split.test().predict(classifier), config.bootstrap()));
  }

  private static List<MetricValue> classificationValues(MetricsReport report) {
    return report.metrics().stream()
        .map(r -> new MetricValue(r.metric().name().toLowerCase(Locale.ROOT), r.interval()))
        .toList();
  }

  private static List<MetricValue> retrieval(EvalConfig config, Path csv, LabelledTiles labelled, VisionLanguageModel model,
      EncoderOptions encoderOptions, Consumer<String> onSkipped) {
    Map<Path, String[]> idAndCaption = idsAndCaptions(csv);
    EmbeddedTiles tiles = EmbeddedTiles.embed(labelled, model, encoderOptions.batchSize(), onSkipped);
    List<String> ids = new ArrayList<>();
    List<String> captionTexts = new ArrayList<>();
    List<Integer> captioned = new ArrayList<>();
    for (int i = 0; i < tiles.size(); i++) {
      String[] row = idAndCaption.get(tiles.tiles().get(i).file());
      ids.add(row[0]);
      if (!row[1].isBlank()) {
        captioned.add(i);
        captionTexts.add(row[1]);
      }
    }
    List<float[]> captions = new ArrayList<>(java.util.Collections.nCopies(tiles.size(), (float[]) null));
    for (int from = 0; from < captionTexts.size(); from += TEXT_BATCH) {
      int to = Math.min(captionTexts.size(), from + TEXT_BATCH);
      List<float[]> encoded = model.texts().encode(captionTexts.subList(from, to));
      for (int j = from; j < to; j++) {
        captions.set(captioned.get(j), encoded.get(j - from));
      }
    }
    List<String> slides = new ArrayList<>();
    for (int i = 0; i < tiles.size(); i++) {
      String group = tiles.tiles().get(i).group();
      slides.add(group != null ? group : ids.get(i));
    }
    return RetrievalEvaluation.run(
        new RetrievalEvaluation.Items(ids, tiles.embeddings(), captions, tiles.labels(), slides), config.bootstrap());
  }

  private static List<MetricValue> robustness(EvalConfig config, EvalConfig.Robustness task, LabelledTiles labelled,
      VisionLanguageModel model, EncoderOptions encoderOptions, Consumer<String> onSkipped) {
    EmbeddedTiles tiles = EmbeddedTiles.embed(labelled, model, encoderOptions.batchSize(), onSkipped);
    int n = tiles.size();
    String[] centers = new String[n];
    String[] slides = new String[n];
    for (int i = 0; i < n; i++) {
      LabelledTiles.Tile tile = tiles.tiles().get(i);
      if (tile.site() == null) {
        throw new IllegalArgumentException(config.file() + ": task robustness needs the center of every tile: " + labelled.csv()
            + " has no \"site\" column");
      }
      centers[i] = tile.site();
      // Without slides, each tile is its own slide: only itself is left out of its neighbours.
      slides[i] = tile.group() != null ? tile.group() : tile.file().toString();
    }
    RobustnessIndex.Counts counts =
        RobustnessIndex.count(tiles.embeddings(), tiles.labels().toArray(String[]::new), centers, slides, task.k());
    return List.of(new MetricValue("robustness_index", counts.interval(config.bootstrap())));
  }

  /** Per tile file: its id ({@code tile_id}, else the path as written) and caption (blank when none). */
  private static Map<Path, String[]> idsAndCaptions(Path csv) {
    List<List<String>> records;
    try {
      records = Csv.parse(Files.readString(csv, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(csv + ": cannot be read: " + e.getMessage(), e);
    }
    List<String> header = records.getFirst();
    int path = header.indexOf("path");
    int id = header.indexOf("tile_id");
    int caption = header.indexOf("caption");
    if (caption < 0) {
      throw new IllegalArgumentException(csv + ": retrieval needs a \"caption\" column; header " + header);
    }
    Path base = csv.toAbsolutePath().getParent();
    Map<Path, String[]> out = new HashMap<>();
    for (List<String> row : records.subList(1, records.size())) {
      out.put(base.resolve(row.get(path)).normalize(), new String[] {id >= 0 ? row.get(id) : row.get(path), row.get(caption)});
    }
    return out;
  }

  private static LabelledTiles keepSites(LabelledTiles all, List<String> sites, Path configFile) {
    if (sites.isEmpty()) {
      return all;
    }
    List<LabelledTiles.Tile> kept = all.tiles().stream().filter(t -> sites.contains(t.site())).toList();
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(configFile + ": dataset.sites: no tile of " + all.csv() + " is from " + sites);
    }
    return new LabelledTiles(all.csv(), kept);
  }

  /** The configured metrics in the config's order, or every computed one; an unknown name is an error listing them. */
  private static List<MetricValue> select(List<MetricValue> computed, EvalConfig config) {
    if (config.metrics().isEmpty()) {
      return computed;
    }
    List<MetricValue> out = new ArrayList<>();
    for (String name : config.metrics()) {
      out.add(computed.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
          config.file() + ": metrics: \"" + name + "\" is not computed by this task; it computes "
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
