package org.pathlens.eval.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.PairedBootstrap;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.prompts.PromptEmbeddings;
import org.pathlens.prompts.PromptScreening;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.ZeroShotClassifier;

/**
 * Evaluates a prompt set on labelled tiles: metrics with bootstrap intervals, the confusion matrix,
 * the leave-one-out prompt ablation and, optionally, few-shot classifiers against the prompts. The
 * library call behind {@code pathlens eval zeroshot} (and the server's, later).
 */
public final class ZeroShotEvaluation {

  /**
   * @param bootstrap intervals' resamples, seed and level
   * @param ablation whether to run the template and synonym ablation
   * @param fewShots N values (labels per class) to train few-shot classifiers with; empty: none
   * @param repeats draws per N
   * @param seed the seed of the few-shot split and draws
   * @param train a separate labelled set to draw few-shot labels from; null: split the evaluation
   *     set
   * @param batchSize images per forward pass
   * @param screenPrompts null: no screening; else also the prompt set screened without labels on
   *     the tiles, keeping this share of each class's variants, against the full ensemble
   */
  public record Options(
      Bootstrap bootstrap,
      boolean ablation,
      List<Integer> fewShots,
      int repeats,
      long seed,
      LabelledTiles train,
      int batchSize,
      Double screenPrompts) {

    public Options {
      fewShots = List.copyOf(fewShots);
      for (int n : fewShots) {
        if (n < 1) {
          throw new IllegalArgumentException("few-shot N must be >= 1, got " + n);
        }
      }
      if (repeats < 1) {
        throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
      }
    }

    public static Options defaults() {
      return new Options(Bootstrap.defaults(), true, List.of(), 5, 1, null, 32, null);
    }
  }

  /**
   * Everything the evaluation found; {@code ablation} and {@code fewShot} are null when not run.
   *
   * @param embedded the evaluated tiles with their image embeddings
   * @param predictions what the zero-shot classifier said about each of them, in the same order
   * @param screening the prompt set screened without labels against the full ensemble; null when
   *     not asked for
   */
  public record Report(
      String model,
      String bundleHash,
      PromptSet prompts,
      Path labels,
      int tiles,
      MetricsReport zeroShot,
      PromptAblation ablation,
      FewShotEvaluation fewShot,
      EmbeddedTiles embedded,
      Predictions predictions,
      ScreenedAgainstFull screening) {

    public String toText() {
      StringBuilder out =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "Zero-shot evaluation of prompt set %s on %d tiles (%s) with model %s (%s)%n%n",
                  prompts.name(),
                  tiles,
                  labels,
                  model,
                  bundleHash.substring(0, 12)));
      out.append(zeroShot.toText());
      if (screening != null) {
        out.append(
                String.format(
                    Locale.ROOT,
                    "%nPrompt screening without labels on these tiles (top %s of each class's"
                        + " variants by mean p(1st) - p(2nd))%n",
                    percent(screening.screening().keepFraction())))
            .append(screening.toText());
      }
      if (ablation != null) {
        out.append("\nPrompt ablation (leave one out)\n").append(ablation.toText());
      }
      if (fewShot != null) {
        out.append("\nFew-shot classifiers against the prompts\n").append(fewShot.toText());
      }
      return out.toString();
    }

    /**
     * Writes report.txt and metrics.json into {@code dir} (the HTML page and its figures are {@code
     * org.pathlens.eval.report}'s).
     */
    public void write(Path dir) throws IOException {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("report.txt"), toText());
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(dir.resolve("metrics.json").toFile(), toJson());
    }

    ObjectNode toJson() {
      ObjectMapper json = new ObjectMapper();
      ObjectNode root = json.createObjectNode();
      root.put("model", model);
      root.put("bundle_hash", bundleHash);
      root.put("prompt_set", prompts.name());
      root.put("prompt_set_hash", prompts.contentHash());
      root.put("labels", labels.toString());
      root.put("tiles", tiles);
      ObjectNode metrics = root.putObject("metrics");
      for (MetricsReport.Row row : zeroShot.metrics()) {
        ObjectNode m = metrics.putObject(row.metric().name().toLowerCase(Locale.ROOT));
        m.put("value", row.interval().estimate());
        m.put("ci_lower", row.interval().lower());
        m.put("ci_upper", row.interval().upper());
      }
      ObjectNode bootstrap = root.putObject("bootstrap");
      bootstrap.put("resamples", zeroShot.bootstrap().resamples());
      bootstrap.put("seed", zeroShot.bootstrap().seed());
      bootstrap.put("level", zeroShot.bootstrap().level());
      bootstrap.put("unit", zeroShot.groupedBootstrap() ? "group" : "tile");
      zeroShot.confusion().classIds().forEach(root.putArray("classes")::add);
      ArrayNode confusion = root.putArray("confusion_matrix");
      for (long[] row : zeroShot.confusion().counts()) {
        ArrayNode r = confusion.addArray();
        for (long v : row) {
          r.add(v);
        }
      }
      if (screening != null) {
        ObjectNode sc = root.putObject("screening");
        sc.put("keep_fraction", screening.screening().keepFraction());
        ArrayNode variants = sc.putArray("variants");
        for (PromptScreening.Variant v : screening.screening().variants()) {
          ObjectNode n = variants.addObject();
          n.put("class", v.classId());
          n.put("prompt", v.prompt());
          n.put("score", v.score());
          n.put("rank", v.rank());
          n.put("kept", v.kept());
        }
        ObjectNode compared = sc.putObject("metrics");
        for (PairedBootstrap.Difference d : screening.rows()) {
          ObjectNode m = compared.putObject(d.name());
          m.put("full", d.a().estimate());
          m.put("screened", d.b().estimate());
          m.put("difference", d.difference().estimate());
          m.put("difference_ci_lower", d.difference().lower());
          m.put("difference_ci_upper", d.difference().upper());
          m.put("p_value", d.pValue());
        }
      }
      if (ablation != null) {
        ObjectNode a = root.putObject("ablation");
        a.put("baseline_accuracy", ablation.baseline());
        a.set("templates", json.valueToTree(ablation.templates()));
        a.set("synonyms", json.valueToTree(ablation.synonyms()));
      }
      if (fewShot != null) {
        ObjectNode f = root.putObject("few_shot");
        f.put("test_tiles", fewShot.testSize());
        f.put("repeats", fewShot.repeats());
        f.put("seed", fewShot.seed());
        f.set("rows", json.valueToTree(fewShot.rows()));
      }
      return root;
    }
  }

  private ZeroShotEvaluation() {}

  public static Report run(
      VisionLanguageModel model,
      PromptSet prompts,
      LabelledTiles labels,
      Options options,
      Consumer<String> onSkipped) {
    return run(model, model.images(), prompts, labels, options, onSkipped);
  }

  /**
   * The evaluation with tiles embedded by {@code images}: the model's image encoder with stain
   * handling ({@code model.images().withStain(...)}).
   */
  public static Report run(
      VisionLanguageModel model,
      ImageEncoder images,
      PromptSet prompts,
      LabelledTiles labels,
      Options options,
      Consumer<String> onSkipped) {
    EmbeddedTiles tiles = EmbeddedTiles.embed(labels, images, options.batchSize(), onSkipped);
    tiles.requireLabelsIn(prompts.classIds(), "prompt set " + prompts.name());
    PromptEmbeddings promptEmbeddings = PromptEmbeddings.encode(prompts, model.texts());
    ZeroShotClassifier classifier =
        new ZeroShotClassifier(prompts, promptEmbeddings.classEmbeddings(), model.logitScale());
    Predictions predictions = tiles.predict(classifier);
    MetricsReport metrics = MetricsReport.of(predictions, options.bootstrap());
    ScreenedAgainstFull screening =
        options.screenPrompts() == null
            ? null
            : ScreenedAgainstFull.run(
                promptEmbeddings,
                tiles,
                predictions,
                model.logitScale(),
                options.screenPrompts(),
                options.bootstrap());
    PromptAblation ablation =
        options.ablation() ? PromptAblation.run(promptEmbeddings, model.logitScale(), tiles) : null;
    FewShotEvaluation fewShot = null;
    if (!options.fewShots().isEmpty()) {
      int most = options.fewShots().stream().mapToInt(Integer::intValue).max().orElseThrow();
      FewShotEvaluation.Split split;
      if (options.train() != null) {
        EmbeddedTiles pool =
            EmbeddedTiles.embed(options.train(), images, options.batchSize(), onSkipped);
        pool.requireLabelsIn(prompts.classIds(), "prompt set " + prompts.name());
        split = new FewShotEvaluation.Split(pool, tiles);
      } else {
        split = FewShotEvaluation.split(tiles, prompts.classIds(), most, options.seed());
      }
      fewShot =
          FewShotEvaluation.run(
              split,
              prompts.classIds(),
              classifier,
              model.logitScale(),
              options.fewShots(),
              options.repeats(),
              options.seed());
    }
    return new Report(
        model.bundle().config().name(),
        model.bundle().contentHash(),
        prompts,
        labels.csv(),
        tiles.size(),
        metrics,
        ablation,
        fewShot,
        tiles,
        predictions,
        screening);
  }

  /** 0.5 as {@code 50 %}. */
  static String percent(double share) {
    double p = share * 100;
    return (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + " %";
  }
}
