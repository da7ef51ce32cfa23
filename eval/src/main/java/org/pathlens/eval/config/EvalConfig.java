package org.pathlens.eval.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.retrieval.PatientFusion;
import org.pathlens.eval.retrieval.RetrievalLevel;
import org.pathlens.eval.robustness.BatchCorrectedTiles;
import org.pathlens.eval.robustness.PerformanceDrop;
import org.pathlens.index.IndexLocation;

/**
 * One reproducible evaluation, as an {@code eval/configs/*.yaml} file describes it: the data, the
 * model, the task, which metrics to report and the values they are expected to have. Read with
 * {@link EvalConfigReader}; paths in the file are relative to the file's folder.
 *
 * @param file the YAML file
 * @param name a short name for reports
 * @param model the model bundle directory
 * @param metrics metric names to report and check; empty: every metric the task computes
 * @param tolerance how far a value may be from its expectation and still be OK
 * @param expected the expected values by metric name (may be empty before a first {@code --update})
 * @param robustify what is done to the tiles' embeddings before the task ({@link Robustify#NONE}:
 *     nothing)
 * @param table where {@code eval table} puts the results
 */
public record EvalConfig(
    Path file,
    String name,
    Path model,
    Dataset dataset,
    Task task,
    List<String> metrics,
    Bootstrap bootstrap,
    double tolerance,
    Map<String, Double> expected,
    Robustify robustify,
    TablePlace table) {

  public EvalConfig {
    metrics = List.copyOf(metrics);
    expected = Map.copyOf(expected);
  }

  /** A config without robustification. */
  public EvalConfig(
      Path file,
      String name,
      Path model,
      Dataset dataset,
      Task task,
      List<String> metrics,
      Bootstrap bootstrap,
      double tolerance,
      Map<String, Double> expected) {
    this(
        file,
        name,
        model,
        dataset,
        task,
        metrics,
        bootstrap,
        tolerance,
        expected,
        Robustify.NONE,
        TablePlace.DEFAULT);
  }

  /**
   * Methods that reduce what the embeddings know about the center (the {@code robustify:} block):
   * stain normalisation and test-time stain augmentation as the tiles are embedded, then batch
   * correction of the embeddings.
   *
   * @param stain stain normalisation and test-time augmentation ({@link StainOptions#NONE}: none)
   * @param batchCorrection ComBat batch correction of the embeddings by center; null: none
   */
  public record Robustify(StainOptions stain, BatchCorrectedTiles.Options batchCorrection) {
    public static final Robustify NONE = new Robustify(StainOptions.NONE, null);

    public Robustify(BatchCorrectedTiles.Options batchCorrection) {
      this(StainOptions.NONE, batchCorrection);
    }

    /**
     * {@code none}, or what is done: {@code stain normalisation macenko (per slide), ComBat combat
     * by site, cross_fit}.
     */
    public String describe() {
      List<String> parts = new ArrayList<>();
      if (!stain.normalization().isNone()) {
        parts.add("stain normalisation " + stain.normalization().describe());
      }
      if (!stain.augmentation().isIdentity()) {
        parts.add("test-time augmentation " + stain.augmentation().describe());
      }
      if (batchCorrection != null) {
        parts.add(batchCorrection.describe());
      }
      return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
  }

  /**
   * Where the config's results go in an {@code eval table} (the {@code table:} block).
   *
   * @param row the row; null: the robustify setting's description
   * @param columns metric name to column name, for metrics that another config of the row also
   *     measures (on other data)
   */
  public record TablePlace(String row, Map<String, String> columns) {
    public static final TablePlace DEFAULT = new TablePlace(null, Map.of());

    public TablePlace {
      columns = Map.copyOf(columns);
    }
  }

  /** The {@code eval table} row this config's results go to. */
  public String tableRow() {
    return Objects.requireNonNullElse(table.row(), robustify.describe());
  }

  /** This config with another model bundle ({@code eval compare --model-b}). */
  public EvalConfig withModel(Path otherModel) {
    return new EvalConfig(
        file,
        name,
        otherModel,
        dataset,
        task,
        metrics,
        bootstrap,
        tolerance,
        expected,
        robustify,
        table);
  }

  /** This config with another task ({@code eval compare --prompts-b}). */
  public EvalConfig withTask(Task otherTask) {
    return new EvalConfig(
        file, name, model, dataset, otherTask, metrics, bootstrap, tolerance, expected, robustify,
        table);
  }

  /**
   * Whether {@code other} embeds the same tiles the same way, so that one embedding pass serves
   * both ({@code eval compare}). A section that changes how tiles are embedded must be compared
   * here too: {@code robustify}'s stain handling is; its batch correction works on the embeddings
   * afterwards, each side its own.
   */
  public boolean sameTilesAs(EvalConfig other) {
    return model.equals(other.model)
        && dataset.equals(other.dataset)
        && robustify.stain().toJson().equals(other.robustify.stain().toJson());
  }

  /** Where the labelled tiles come from. */
  public sealed interface Dataset {
    /** Tiles to keep by their {@code site} (center) column; empty: all. */
    List<String> sites();
  }

  /**
   * Tiles made by the synthetic generator at evaluation time, so the config needs no data files
   * ({@code pathlens generate tiles --per-class N --centers K --seed S}).
   *
   * @param layout how tiles are spread over slides and patients: {@code mixed} (slides of many
   *     classes) or {@code cases} (each patient has one class and two slides of it)
   */
  public record Generated(int perClass, int centers, long seed, String layout, List<String> sites)
      implements Dataset {
    public static final List<String> LAYOUTS = List.of("mixed", "cases");

    public Generated {
      sites = List.copyOf(sites);
      if (!LAYOUTS.contains(layout)) {
        throw new IllegalArgumentException("layout \"" + layout + "\" is not one of " + LAYOUTS);
      }
    }

    /** Tiles in the {@code mixed} layout. */
    public Generated(int perClass, int centers, long seed, List<String> sites) {
      this(perClass, centers, seed, "mixed", sites);
    }
  }

  /**
   * Whole slides made by the synthetic slide generator at evaluation time, with the generator's
   * ground-truth regions ({@code pathlens generate slide}): {@code count} slides of {@code width} x
   * {@code height} level-0 pixels, slide {@code i} in the stain of center {@code i mod centers}.
   * They are ingested as {@code pathlens ingest} ingests slides (tissue tiles on the default
   * tiling) into a temporary index, and each tile is labelled with the true class at its centre.
   */
  public record GeneratedSlides(int count, int width, int height, int centers, long seed)
      implements Dataset {
    public GeneratedSlides {
      if (count < 1 || centers < 1 || width < 64 || height < 64) {
        throw new IllegalArgumentException(
            String.format(
                "generated slides need count >= 1, centers >= 1 and sides >= 64, got count %d,"
                    + " centers %d, %d x %d",
                count, centers, width, height));
      }
    }

    @Override
    public List<String> sites() {
      return List.of();
    }
  }

  /**
   * Slide files with QuPath GeoJSON annotations as their ground truth: {@code slides} (a slide, or
   * a folder of them) ingested into a temporary index as {@code pathlens ingest} does, {@code
   * regions} a folder of {@code <slide>.geojson} files or one such file, matched to the slides as
   * {@code ingest --regions} matches them. A tile's true class is the class of the smallest region
   * holding its centre; tiles whose centre lies in no region have no known truth and are left out.
   */
  public record AnnotatedSlides(Path slides, Path regions) implements Dataset {
    @Override
    public List<String> sites() {
      return List.of();
    }
  }

  /**
   * A labels CSV ({@code path} relative to it, a label column; {@code manifest.csv} works as it
   * is).
   */
  public record LabelsCsv(Path csv, String labelColumn, List<String> sites) implements Dataset {
    public LabelsCsv {
      sites = List.copyOf(sites);
    }
  }

  /**
   * Tiles already in a tile index ({@code pathlens ingest}; a directory, or an OpenSearch index's
   * URL), with their stored embeddings (no image is decoded), those matching {@code filter} (Lucene
   * syntax; null: all). The index must have been built with the config's bundle.
   */
  public record IndexTiles(IndexLocation index, String filter, List<String> sites)
      implements Dataset {
    public IndexTiles {
      sites = List.copyOf(sites);
    }
  }

  /** What is evaluated. */
  public sealed interface Task {}

  /**
   * The prompt set's zero-shot classifier.
   *
   * @param bySite also report accuracy per center ({@code accuracy@<site>}, the {@code site}
   *     column)
   * @param screenPrompts null: every prompt of the set (the full ensemble); else the share of each
   *     class's prompt variants kept by label-free screening on the dataset's own tiles ({@code
   *     PromptScreening}; the labels are not used)
   */
  public record ZeroShot(Path prompts, boolean bySite, Double screenPrompts) implements Task {
    public ZeroShot {
      if (screenPrompts != null && !(screenPrompts > 0 && screenPrompts <= 1)) {
        throw new IllegalArgumentException(
            "the share of prompt variants screening keeps must be in (0, 1], got " + screenPrompts);
      }
    }

    public ZeroShot(Path prompts, boolean bySite) {
      this(prompts, bySite, null);
    }

    public ZeroShot(Path prompts) {
      this(prompts, false);
    }

    /** {@code prompt set NAME}, and when screened {@code , }{@link #screening()}. */
    public String describe(String promptSetName) {
      return "prompt set " + promptSetName + (screenPrompts == null ? "" : ", " + screening());
    }

    /**
     * {@code screened without labels (top 50 % of each class's variants)}; empty without screening.
     */
    public String screening() {
      if (screenPrompts == null) {
        return "";
      }
      double percent = screenPrompts * 100;
      String share =
          percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
      return "screened without labels (top " + share + " % of each class's variants)";
    }
  }

  /**
   * Segmentation: each tile's class probabilities on each slide (what {@code pathlens heatmap}
   * draws), from the prompt set's zero-shot classifier or from saved classifiers, turned into one
   * mask per class by {@code rule}, scored against the tiles' true classes with Dice and IoU per
   * class and their macro means.
   *
   * @param prompts the prompt set; null with {@code classifiers}
   * @param threshold null: each tile goes to its most probable class (argmax); else a tile is in
   *     class c's mask when P(c) >= threshold (a tile may then be in several masks, or none)
   * @param classifiers null: zero-shot with {@code prompts}; else saved classifiers made from
   *     example tiles, one per class
   */
  public record Segmentation(Path prompts, Double threshold, SavedClassifiers classifiers)
      implements Task {
    public Segmentation {
      if (threshold != null && !(threshold > 0 && threshold < 1)) {
        throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
      }
      if ((prompts == null) == (classifiers == null)) {
        throw new IllegalArgumentException("a segmentation takes prompts or classifiers, one");
      }
    }

    /** Zero-shot with a prompt set. */
    public Segmentation(Path prompts, Double threshold) {
      this(prompts, threshold, null);
    }

    /** {@code argmax}, or {@code P(c) >= t}. */
    public String rule() {
      return threshold == null ? "argmax" : "P(c) >= " + threshold;
    }

    /** {@code prompts demo-crc9}, or the saved classifiers' description. */
    public String source() {
      return classifiers == null ? "zero-shot, prompts " + prompts : classifiers.describe();
    }
  }

  /**
   * Saved classifiers as "Save as class" makes them, one per class, from labelled example tiles
   * generated apart from the evaluated slides ({@code examples}, as {@code dataset: generate:}
   * makes tiles): class c's classifier has c's example tiles marked relevant and every other
   * class's marked not relevant, no prompt, and is trained by {@code method} as the server trains a
   * saved one. Every evaluated tile is scored, as for zero-shot.
   *
   * @param method {@code prototype} or {@code linear-probe} (SavedClassifier's methods)
   */
  public record SavedClassifiers(Generated examples, String method) {

    public String describe() {
      return "saved classifiers ("
          + method
          + ") from generated example tiles ("
          + examples.perClass()
          + " per class and center, "
          + examples.centers()
          + " centers, seed "
          + examples.seed()
          + "; each class's tiles relevant, the others' not)";
    }
  }

  /**
   * A few-shot classifier trained on {@code shots} tiles per class drawn with {@code seed},
   * evaluated on the rest.
   *
   * @param method {@code linear_probe}, {@code prototype} or {@code knn}
   */
  public record FewShot(int shots, long seed, String method) implements Task {
    public static final List<String> METHODS = List.of("linear_probe", "prototype", "knn");
  }

  /**
   * Retrieval. Without a level, text↔image and image→image over the tiles and their captions; with
   * one, the image→image case retrieval the field reports (Acc@k, MV@k, mAP@k) among tiles, slides
   * or patients.
   *
   * @param level null: the tile task with captions; else the level of the items
   * @param fusion how a patient's embedding is made (patient level only, else null)
   * @param ks the cut-offs of the case retrieval metrics (empty without a level)
   */
  public record Retrieval(RetrievalLevel level, PatientFusion fusion, List<Integer> ks)
      implements Task {
    /** The cut-offs when the config gives none: 1, 3 and 5, as Patho-Bench reports. */
    public static final List<Integer> DEFAULT_KS = List.of(1, 3, 5);

    public Retrieval {
      ks = List.copyOf(ks);
    }

    /** The tile task with captions. */
    public Retrieval() {
      this(null, null, List.of());
    }
  }

  /**
   * PathoROB's robustness metrics of the image embeddings, centers from the {@code site} column:
   * the robustness index with {@code k} neighbours always, the average performance drop when {@code
   * apd} is given, the clustering score when {@code clustering} is.
   *
   * @param apd null: not computed
   * @param clustering null: not computed
   */
  public record Robustness(int k, PerformanceDrop.Options apd, Clustering clustering)
      implements Task {}

  /** The clustering score's k-means++ seed. */
  public record Clustering(long seed) {}
}
