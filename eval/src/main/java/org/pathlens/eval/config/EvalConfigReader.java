package org.pathlens.eval.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.encoders.preprocess.stain.StainTargets;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.retrieval.PatientFusion;
import org.pathlens.eval.retrieval.RetrievalLevel;
import org.pathlens.eval.robustness.BatchCorrectedTiles;
import org.pathlens.eval.robustness.PerformanceDrop;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.batch.ComBat;
import org.pathlens.prompts.PromptScreening;
import org.pathlens.prompts.PromptSetReader;

/**
 * Reads an evaluation config from YAML. Every problem names the file and the field; paths are
 * resolved against the file's folder so a config runs the same from any working directory.
 */
public final class EvalConfigReader {

  /** How far a value may move before it FAILs, when the file does not say. */
  public static final double DEFAULT_TOLERANCE = 0.001;

  /**
   * Neighbours per tile for the robustness index when the file does not say (PathoROB reports k =
   * 11 among others; 10 is a round default).
   */
  public static final int DEFAULT_ROBUSTNESS_K = 10;

  private final Path file;

  private EvalConfigReader(Path file) {
    this.file = file;
  }

  public static EvalConfig read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      if (!Files.exists(file)) {
        throw new UncheckedIOException(file + ": no such evaluation config", e);
      }
      throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          file + ": expected a YAML mapping with name, model, dataset, task");
    }
    return new EvalConfigReader(file).config(root);
  }

  private EvalConfig config(JsonNode root) {
    String name = text(root, "name");
    Path model = path(text(root, "model"));
    EvalConfig.Dataset dataset = dataset(required(root, "dataset"));
    EvalConfig.Task task = task(required(root, "task"));
    if (task instanceof EvalConfig.Segmentation
        && !(dataset instanceof EvalConfig.GeneratedSlides
            || dataset instanceof EvalConfig.AnnotatedSlides)) {
      throw error(
          "task",
          "segmentation needs tiles placed on slides with their ground truth; give dataset:"
              + " slides: {count, width, height, centers, seed}, or slide_files: PATH with"
              + " regions: PATH");
    }
    List<String> metrics = new ArrayList<>();
    JsonNode m = root.get("metrics");
    if (m != null && !m.isNull()) {
      if (!m.isArray()) {
        throw error("metrics", "expected a list of metric names");
      }
      m.forEach(v -> metrics.add(v.asText()));
    }
    Bootstrap bootstrap = Bootstrap.defaults();
    JsonNode b = root.get("bootstrap");
    if (b != null && !b.isNull()) {
      bootstrap =
          new Bootstrap(
              (int) integer(b, "resamples", "bootstrap.resamples", 1000),
              integer(b, "seed", "bootstrap.seed", Bootstrap.DEFAULT_SEED),
              number(b, "level", "bootstrap.level", 0.95));
    }
    double tolerance = number(root, "tolerance", "tolerance", DEFAULT_TOLERANCE);
    if (!(tolerance >= 0)) {
      throw error("tolerance", "must be >= 0, got " + tolerance);
    }
    Map<String, Double> expected = new LinkedHashMap<>();
    JsonNode e = root.get("expected");
    if (e != null && !e.isNull()) {
      if (!e.isObject()) {
        throw error("expected", "expected a mapping of metric name to value");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (!entry.getValue().isNumber()) {
          throw error("expected." + entry.getKey(), "expected a number, got " + entry.getValue());
        }
        expected.put(entry.getKey(), entry.getValue().asDouble());
      }
    }
    return new EvalConfig(
        file,
        name,
        model,
        dataset,
        task,
        metrics,
        bootstrap,
        tolerance,
        expected,
        robustify(root.get("robustify")),
        table(root.get("table")));
  }

  /** The optional {@code table: {row: NAME, columns: {metric: column}}} block. */
  private EvalConfig.TablePlace table(JsonNode t) {
    if (t == null || t.isNull()) {
      return EvalConfig.TablePlace.DEFAULT;
    }
    if (!t.isObject()) {
      throw error("table", "expected a mapping with row and columns");
    }
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of("row", "columns").contains(key)) {
        throw error("table." + key, "unknown; table takes row and columns");
      }
    }
    Map<String, String> columns = new LinkedHashMap<>();
    JsonNode c = t.get("columns");
    if (c != null && !c.isNull()) {
      if (!c.isObject()) {
        throw error("table.columns", "expected a mapping of metric name to column name");
      }
      c.fields().forEachRemaining(e -> columns.put(e.getKey(), e.getValue().asText()));
    }
    return new EvalConfig.TablePlace(t.has("row") ? text(t, "row", "table.row") : null, columns);
  }

  /**
   * The optional {@code robustify:} block: {@code stain_norm: {method: reinhard | macenko, target:
   * default | FILE, fit: tile | slide}}, {@code tta: {views, scale, shift, seed}} and {@code
   * batch_correction: {method: combat | location_scale, by: site, reference: evaluated | cross_fit,
   * reference_sites: [..], min_tiles: N}}.
   */
  private EvalConfig.Robustify robustify(JsonNode r) {
    if (r == null || r.isNull()) {
      return EvalConfig.Robustify.NONE;
    }
    if (!r.isObject()) {
      throw error("robustify", "expected a mapping with batch_correction");
    }
    for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of("stain_norm", "tta", "batch_correction").contains(key)) {
        throw error(
            "robustify." + key, "unknown; robustify takes stain_norm, tta and batch_correction");
      }
    }
    StainOptions stain =
        new StainOptions(stainNormalization(r.get("stain_norm")), augmentation(r.get("tta")));
    BatchCorrectedTiles.Options batch = null;
    JsonNode b = r.get("batch_correction");
    if (b != null && !b.isNull()) {
      String by = b.has("by") ? text(b, "by", "robustify.batch_correction.by") : "site";
      if (!by.equals("site")) {
        throw error(
            "robustify.batch_correction.by",
            "\"" + by + "\": evaluated tiles are corrected by site only");
      }
      try {
        ComBat.Method method =
            ComBat.Method.parse(
                b.has("method")
                    ? text(b, "method", "robustify.batch_correction.method")
                    : "combat");
        BatchCorrectedTiles.Reference reference =
            BatchCorrectedTiles.Reference.parse(
                b.has("reference")
                    ? text(b, "reference", "robustify.batch_correction.reference")
                    : "evaluated");
        List<String> sites = new ArrayList<>();
        JsonNode s = b.get("reference_sites");
        if (s != null && !s.isNull()) {
          s.forEach(v -> sites.add(v.asText()));
        }
        int minTiles =
            (int)
                integer(
                    b,
                    "min_tiles",
                    "robustify.batch_correction.min_tiles",
                    ComBat.Options.DEFAULT_MIN_TILES);
        batch =
            new BatchCorrectedTiles.Options(new ComBat.Options(method, minTiles), reference, sites);
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith(file.toString())) {
          throw e;
        }
        throw error("robustify.batch_correction", e.getMessage());
      }
    }
    return new EvalConfig.Robustify(stain, batch);
  }

  /**
   * {@code stain_norm: {method, target: default | FILE (a target JSON or a reference tile), fit:
   * tile | slide}}.
   */
  private StainNormalization stainNormalization(JsonNode n) {
    if (n == null || n.isNull()) {
      return StainNormalization.NONE;
    }
    if (!n.isObject()) {
      throw error("robustify.stain_norm", "expected a mapping with method, target and fit");
    }
    try {
      StainMethod method = StainMethod.parse(text(n, "method", "robustify.stain_norm.method"));
      if (method == StainMethod.NONE) {
        return StainNormalization.NONE;
      }
      String target =
          n.has("target") ? text(n, "target", "robustify.stain_norm.target") : "default";
      StainFit fit =
          StainFit.parse(n.has("fit") ? text(n, "fit", "robustify.stain_norm.fit") : "tile");
      return StainNormalization.toward(
          target.equals("default")
              ? StainTargets.defaultFor(method)
              : StainTargets.load(
                  path(target), method, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS)),
          fit);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
        throw e;
      }
      throw error("robustify.stain_norm", e.getMessage());
    }
  }

  /** {@code tta: {views, scale, shift, seed}}, Tellez's HED-light jitter by default. */
  private StainAugmentation augmentation(JsonNode t) {
    if (t == null || t.isNull()) {
      return StainAugmentation.NONE;
    }
    if (!t.isObject()) {
      throw error("robustify.tta", "expected a mapping with views, scale, shift and seed");
    }
    int views = (int) integer(t, "views", "robustify.tta.views", -1);
    try {
      return views == 1
          ? StainAugmentation.NONE
          : new StainAugmentation(
              views,
              number(t, "scale", "robustify.tta.scale", StainAugmentation.DEFAULT_SCALE),
              number(t, "shift", "robustify.tta.shift", StainAugmentation.DEFAULT_SHIFT),
              integer(t, "seed", "robustify.tta.seed", 0));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
        throw e;
      }
      throw error("robustify.tta", e.getMessage());
    }
  }

  private EvalConfig.Dataset dataset(JsonNode d) {
    List<String> sites = new ArrayList<>();
    JsonNode s = d.get("sites");
    if (s != null && !s.isNull()) {
      s.forEach(v -> sites.add(v.asText()));
    }
    JsonNode g = d.get("generate");
    boolean hasLabels = d.has("labels");
    boolean hasIndex = d.has("index");
    JsonNode slides = d.get("slides");
    boolean hasSlideFiles = d.has("slide_files");
    if ((g != null ? 1 : 0)
            + (hasLabels ? 1 : 0)
            + (hasIndex ? 1 : 0)
            + (slides != null ? 1 : 0)
            + (hasSlideFiles ? 1 : 0)
        != 1) {
      throw error(
          "dataset",
          "give exactly one of generate: {per_class, centers, seed}, labels: CSV, index: DIR,"
              + " slides: {count, width, height, centers, seed} or slide_files: PATH with regions:"
              + " PATH");
    }
    if (hasSlideFiles || d.has("regions")) {
      if (!hasSlideFiles) {
        throw error("dataset.regions", "belongs to slide_files: PATH, the slides it annotates");
      }
      if (!sites.isEmpty()) {
        throw error("dataset.sites", "annotated slides are all evaluated");
      }
      return new EvalConfig.AnnotatedSlides(
          path(text(d, "slide_files", "dataset.slide_files")),
          path(text(d, "regions", "dataset.regions")));
    }
    if (slides != null) {
      if (!sites.isEmpty()) {
        throw error("dataset.sites", "generated slides are all evaluated; give centers instead");
      }
      try {
        return new EvalConfig.GeneratedSlides(
            (int) integer(slides, "count", "dataset.slides.count", -1),
            (int) integer(slides, "width", "dataset.slides.width", -1),
            (int) integer(slides, "height", "dataset.slides.height", -1),
            (int) integer(slides, "centers", "dataset.slides.centers", 1),
            integer(slides, "seed", "dataset.slides.seed", -1));
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith(file.toString())) {
          throw e;
        }
        throw error("dataset.slides", e.getMessage());
      }
    }
    if (hasIndex) {
      String filter =
          d.has("filter") && !d.get("filter").isNull() ? d.get("filter").asText() : null;
      String index = text(d, "index", "dataset.index");
      return new EvalConfig.IndexTiles(
          index.contains("://") // a URL is as written; a folder is relative to this config
              ? IndexLocation.parse(index)
              : IndexLocation.of(path(index)),
          filter,
          sites);
    }
    if (g != null) {
      String layout = g.has("layout") ? text(g, "layout", "dataset.generate.layout") : "mixed";
      if (!EvalConfig.Generated.LAYOUTS.contains(layout)) {
        throw error(
            "dataset.generate.layout",
            "\"" + layout + "\" is not one of " + EvalConfig.Generated.LAYOUTS);
      }
      return new EvalConfig.Generated(
          (int) integer(g, "per_class", "dataset.generate.per_class", -1),
          (int) integer(g, "centers", "dataset.generate.centers", -1),
          integer(g, "seed", "dataset.generate.seed", -1),
          layout,
          sites);
    }
    String column = d.has("label_column") ? d.get("label_column").asText() : "label";
    return new EvalConfig.LabelsCsv(path(text(d, "labels", "dataset.labels")), column, sites);
  }

  private EvalConfig.Task task(JsonNode t) {
    String type = text(t, "type", "task.type");
    return switch (type) {
      case "zeroshot" ->
          new EvalConfig.ZeroShot(
              promptSet(text(t, "prompts", "task.prompts")),
              flag(t, "by_site", "task.by_site"),
              screenPrompts(t));
      case "fewshot" -> {
        String method = text(t, "method", "task.method");
        if (!EvalConfig.FewShot.METHODS.contains(method)) {
          throw error(
              "task.method", "\"" + method + "\" is not one of " + EvalConfig.FewShot.METHODS);
        }
        yield new EvalConfig.FewShot(
            (int) integer(t, "shots", "task.shots", -1),
            integer(t, "seed", "task.seed", 1),
            method);
      }
      case "retrieval" -> retrieval(t);
      case "robustness" -> robustness(t);
      case "segmentation" -> segmentation(t);
      default ->
          throw error(
              "task.type",
              "\""
                  + type
                  + "\" is not one of zeroshot, fewshot, retrieval, robustness, segmentation");
    };
  }

  /**
   * {@code screen_prompts}: absent or {@code false}, the full ensemble; {@code true}, screening
   * keeping {@link PromptScreening#DEFAULT_KEEP_FRACTION} of each class's variants; a number in (0,
   * 1], screening keeping that share.
   */
  private Double screenPrompts(JsonNode t) {
    JsonNode v = t.get("screen_prompts");
    if (v == null || v.isNull() || (v.isBoolean() && !v.asBoolean())) {
      return null;
    }
    if (v.isBoolean()) {
      return PromptScreening.DEFAULT_KEEP_FRACTION;
    }
    if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() <= 1)) {
      throw error(
          "task.screen_prompts",
          "expected true, false or the share of each class's prompt variants to keep, in (0, 1];"
              + " got "
              + v);
    }
    return v.asDouble();
  }

  /**
   * {@code prompts} or {@code classifiers: {examples, seed, method}}, and the decision rule: {@code
   * rule: argmax} (the default), or {@code rule: threshold} with {@code threshold: t} in (0, 1).
   */
  private EvalConfig.Segmentation segmentation(JsonNode t) {
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of("type", "prompts", "classifiers", "rule", "threshold").contains(key)) {
        throw error(
            "task." + key,
            "unknown; a segmentation task takes prompts or classifiers, rule, threshold");
      }
    }
    if (t.has("prompts") == t.has("classifiers")) {
      throw error(
          "task",
          "a segmentation task takes prompts (zero-shot) or classifiers (saved classifiers from"
              + " example tiles), one of them");
    }
    Path prompts = t.has("prompts") ? promptSet(text(t, "prompts", "task.prompts")) : null;
    EvalConfig.SavedClassifiers classifiers =
        t.has("classifiers") ? savedClassifiers(t.get("classifiers")) : null;
    String rule = t.has("rule") ? text(t, "rule", "task.rule") : "argmax";
    switch (rule) {
      case "argmax" -> {
        if (t.has("threshold")) {
          throw error("task.threshold", "belongs to rule: threshold, not rule: argmax");
        }
        return new EvalConfig.Segmentation(prompts, null, classifiers);
      }
      case "threshold" -> {
        double threshold = number(t, "threshold", "task.threshold", Double.NaN);
        if (!(threshold > 0 && threshold < 1)) {
          throw error("task.threshold", "rule: threshold needs a threshold in (0, 1)");
        }
        return new EvalConfig.Segmentation(prompts, threshold, classifiers);
      }
      default -> throw error("task.rule", "\"" + rule + "\" is not one of argmax, threshold");
    }
  }

  /**
   * {@code classifiers: {examples: {per_class: N, centers: C, seed: S}, method: prototype |
   * linear-probe}} (method defaults to prototype, Save as class's default).
   */
  private EvalConfig.SavedClassifiers savedClassifiers(JsonNode c) {
    if (c == null || !c.isObject()) {
      throw error(
          "task.classifiers",
          "expected {examples: {per_class: N, centers: C, seed: S}, method: prototype}");
    }
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of("examples", "method").contains(key)) {
        throw error("task.classifiers." + key, "unknown; classifiers take examples and method");
      }
    }
    JsonNode e = c.get("examples");
    if (e == null || !e.isObject()) {
      throw error(
          "task.classifiers.examples",
          "the generated example tiles: {per_class: N, centers: C, seed: S}");
    }
    for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of("per_class", "centers", "seed").contains(key)) {
        throw error(
            "task.classifiers.examples." + key, "unknown; examples take per_class, centers, seed");
      }
    }
    long perClass = integer(e, "per_class", "task.classifiers.examples.per_class", -1);
    long centers = integer(e, "centers", "task.classifiers.examples.centers", 1);
    if (perClass < 1 || centers < 1) {
      throw error("task.classifiers.examples", "per_class and centers must be whole numbers >= 1");
    }
    String method =
        c.has("method") ? text(c, "method", "task.classifiers.method") : SavedClassifier.PROTOTYPE;
    if (!SavedClassifier.METHODS.contains(method)) {
      throw error(
          "task.classifiers.method", "\"" + method + "\" is not one of " + SavedClassifier.METHODS);
    }
    return new EvalConfig.SavedClassifiers(
        new EvalConfig.Generated(
            (int) perClass,
            (int) centers,
            integer(e, "seed", "task.classifiers.examples.seed", 1),
            List.of()),
        method);
  }

  /**
   * Without {@code level}, the tile task with captions; with {@code level: tile | slide | patient},
   * case retrieval at that level with {@code ks} (default 1, 3, 5) and, for patients, {@code
   * fusion: early | late} (default late).
   */
  private EvalConfig.Retrieval retrieval(JsonNode t) {
    for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!List.of("type", "level", "fusion", "ks").contains(key)) {
        throw error("task." + key, "unknown; a retrieval task takes level, fusion and ks");
      }
    }
    if (!t.has("level")) {
      if (t.has("fusion") || t.has("ks")) {
        throw error(
            "task",
            "fusion and ks belong to case retrieval; give level: tile, slide or patient too");
      }
      return new EvalConfig.Retrieval();
    }
    RetrievalLevel level;
    try {
      level = RetrievalLevel.parse(text(t, "level", "task.level"));
    } catch (IllegalArgumentException e) {
      throw error("task.level", e.getMessage());
    }
    PatientFusion fusion = null;
    if (t.has("fusion")) {
      if (level != RetrievalLevel.PATIENT) {
        throw error("task.fusion", "only patients are fused; this task's level is " + level);
      }
      try {
        fusion = PatientFusion.parse(text(t, "fusion", "task.fusion"));
      } catch (IllegalArgumentException e) {
        throw error("task.fusion", e.getMessage());
      }
    } else if (level == RetrievalLevel.PATIENT) {
      fusion = PatientFusion.LATE;
    }
    List<Integer> ks = new ArrayList<>(EvalConfig.Retrieval.DEFAULT_KS);
    JsonNode k = t.get("ks");
    if (k != null && !k.isNull()) {
      if (!k.isArray() || k.isEmpty()) {
        throw error("task.ks", "expected a list of cut-offs, e.g. [1, 3, 5]");
      }
      ks.clear();
      for (JsonNode v : k) {
        if (!v.isIntegralNumber() || v.asInt() < 1 || ks.contains(v.asInt())) {
          throw error("task.ks", "expected distinct integers >= 1, got " + k);
        }
        ks.add(v.asInt());
      }
    }
    return new EvalConfig.Retrieval(level, fusion, ks);
  }

  /**
   * {@code k}, and the optional {@code apd: {levels, test_share, seed}} and {@code clustering:
   * {seed}} blocks.
   */
  private EvalConfig.Robustness robustness(JsonNode t) {
    int k = (int) integer(t, "k", "task.k", DEFAULT_ROBUSTNESS_K);
    PerformanceDrop.Options apd = null;
    JsonNode a = t.get("apd");
    if (a != null && !a.isNull()) {
      List<Double> levels = new ArrayList<>(PerformanceDrop.DEFAULT_LEVELS);
      JsonNode l = a.get("levels");
      if (l != null && !l.isNull()) {
        if (!l.isArray()) {
          throw error("task.apd.levels", "expected a list of correlation levels in (0, 1]");
        }
        levels.clear();
        for (JsonNode v : l) {
          if (!v.isNumber()) {
            throw error("task.apd.levels", "expected numbers, got " + v);
          }
          levels.add(v.asDouble());
        }
      }
      try {
        apd =
            new PerformanceDrop.Options(
                levels,
                number(a, "test_share", "task.apd.test_share", PerformanceDrop.DEFAULT_TEST_SHARE),
                integer(a, "seed", "task.apd.seed", 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": task.apd." + e.getMessage(), e);
      }
    }
    EvalConfig.Clustering clustering = null;
    JsonNode c = t.get("clustering");
    if (c != null && !c.isNull()) {
      clustering = new EvalConfig.Clustering(integer(c, "seed", "task.clustering.seed", 1));
    }
    return new EvalConfig.Robustness(k, apd, clustering);
  }

  /**
   * A built-in prompt set's bare name stays a name; anything else is a file relative to the config.
   */
  private Path promptSet(String value) {
    return PromptSetReader.builtInNames().contains(value) ? Path.of(value) : path(value);
  }

  private Path path(String value) {
    return file.toAbsolutePath().getParent().resolve(value).normalize();
  }

  private JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw error(field, "missing");
    }
    return v;
  }

  private String text(JsonNode node, String field) {
    return text(node, field, field);
  }

  private String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()) {
      throw error(where, "missing or not a value");
    }
    return v.asText();
  }

  /** An integer field; {@code fallback} < 0 means required. */
  private long integer(JsonNode node, String field, String where, long fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback < 0) {
        throw error(where, "missing");
      }
      return fallback;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw error(where, "expected an integer, got " + v);
    }
    return v.asLong();
  }

  private boolean flag(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw error(where, "expected true or false, got " + v);
    }
    return v.asBoolean();
  }

  private double number(JsonNode node, String field, String where, double fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw error(where, "expected a number, got " + v);
    }
    return v.asDouble();
  }

  private IllegalArgumentException error(String field, String problem) {
    return new IllegalArgumentException(file + ": " + field + ": " + problem);
  }
}
