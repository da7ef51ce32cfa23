package org.pathlens.index.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * What a text query's best cosine means on one index and model (docs/calibration.md). A query's
 * <em>contrast</em> is its best hit's cosine minus its mean cosine over all the index's tiles: how
 * far the best tile stands out from the query's typical tile. Raw cosines are not comparable across
 * models or even across texts (every text has its own level: on the demo model "a photo of a cat"
 * reaches 0.66 on histology tiles, a CONCH-architecture model gives it 0.28); the contrast removes
 * each text's level. The contrast is then z-scored against the contrasts of the {@link
 * CalibrationBackground}'s texts on the same tiles, which name no finding: z says how many
 * background standard deviations the query's best tile stands out further than such texts' best
 * tiles do. Both sides are the best of the same tiles, so z does not grow with the index's size.
 *
 * <p>A text's mean cosine over the tiles is its dot product with the tiles' mean embedding, so the
 * calibration keeps that mean ({@link #tileMean}) and scores any query's mean exactly, without a
 * pass over the tiles per query.
 *
 * <p>The verdict ({@link Verdict}): <b>strong</b> when z &ge; {@value #STRONG_Z}; <b>weak</b> when
 * {@value #WEAK_Z} &le; z &lt; {@value #STRONG_Z}; <b>no better than unrelated text</b> below
 * {@value #WEAK_Z}, where a text naming no finding lands about one time in forty if the
 * background's contrasts are about normal.
 *
 * @param backgroundVersion the {@link CalibrationBackground#version} this was computed with
 * @param bundle the index's bundle ({@link org.pathlens.index.IndexProvenance#bundle})
 * @param tiles the tiles the index held when this was computed (every one went into the mean)
 * @param generation the index's commit generation then ({@link
 *     org.pathlens.index.IndexLocation#generation}; -1 where the backend gives none)
 * @param tileMean the mean of the tiles' searched embeddings
 * @param backgroundBest each background text's best cosine on the tiles, in {@link
 *     CalibrationBackground#texts} order
 * @param backgroundMean each background text's mean cosine over the tiles, in the same order
 */
public record ScoreCalibration(
    String backgroundVersion,
    String bundle,
    int tiles,
    long generation,
    float[] tileMean,
    List<Float> backgroundBest,
    List<Float> backgroundMean) {

  /** The least z of a strong match. */
  public static final double STRONG_Z = 3.0;

  /** The least z of a weak match; below it, a match is no better than unrelated text. */
  public static final double WEAK_Z = 2.0;

  /** The verdict on a text query's best hit, with the words the UI and CLI show. */
  public enum Verdict {
    STRONG("strong"),
    WEAK("weak"),
    NO_BETTER("no better than unrelated text");

    private final String words;

    Verdict(String words) {
      this.words = words;
    }

    /** What the CLI, the API and the UI say. */
    public String words() {
      return words;
    }
  }

  /** The rule of {@link Verdict}, in the words the CLI help uses. */
  public static final String RULE_VERDICT =
      "strong: z >= 3; weak: 2 <= z < 3; no better than unrelated text: z < 2";

  /**
   * A text query's best hit, calibrated.
   *
   * @param best its cosine
   * @param mean the query's mean cosine over the index's tiles
   * @param z the contrast's z against the background's contrasts
   * @param verdict the verdict
   */
  public record Calibrated(float best, double mean, double z, Verdict verdict) {

    /** How far the best hit stands above the query's mean tile. */
    public double contrast() {
      return best - mean;
    }
  }

  /**
   * The calibration of {@code index}'s tiles with {@code background} (embedded as {@code
   * embeddings}, in its order); empty when the index holds no tile.
   */
  public static Optional<ScoreCalibration> compute(
      TileIndex index, CalibrationBackground background, List<float[]> embeddings)
      throws IOException {
    int tiles = index.size();
    long generation = index.location().generation();
    double[] sum = new double[embeddings.getFirst().length];
    int[] count = {0};
    index.forEachTile(
        TileFilter.ALL,
        tile -> {
          float[] e = tile.embedding();
          for (int d = 0; d < sum.length; d++) {
            sum[d] += e[d];
          }
          count[0]++;
        });
    if (count[0] == 0) {
      return Optional.empty();
    }
    float[] mean = new float[sum.length];
    for (int d = 0; d < sum.length; d++) {
      mean[d] = (float) (sum[d] / count[0]);
    }
    List<Float> bests = new ArrayList<>();
    List<Float> means = new ArrayList<>();
    for (float[] embedding : embeddings) {
      List<SearchHit> best = index.searchIds(embedding, 1, TileFilter.ALL);
      if (best.isEmpty()) {
        return Optional.empty();
      }
      bests.add(best.getFirst().score());
      means.add((float) dot(embedding, mean));
    }
    return Optional.of(
        new ScoreCalibration(
            background.version(),
            index.provenance().bundle(),
            tiles,
            generation,
            mean,
            List.copyOf(bests),
            List.copyOf(means)));
  }

  /** Whether this was computed for {@code index} as it is now, with {@code background}. */
  public boolean isCurrent(TileIndex index, CalibrationBackground background) throws IOException {
    return backgroundVersion.equals(background.version())
        && bundle.equals(index.provenance().bundle())
        && tiles == index.size()
        && generation == index.location().generation()
        && backgroundBest.size() == background.texts().size();
  }

  /** Each background text's contrast: its best cosine minus its mean cosine. */
  public double[] backgroundContrasts() {
    double[] contrasts = new double[backgroundBest.size()];
    for (int i = 0; i < contrasts.length; i++) {
      contrasts[i] = backgroundBest.get(i) - backgroundMean.get(i);
    }
    return contrasts;
  }

  /** The mean of the background's contrasts. */
  public double contrastMean() {
    double sum = 0;
    for (double c : backgroundContrasts()) {
      sum += c;
    }
    return sum / backgroundBest.size();
  }

  /** The sample standard deviation (n - 1) of the background's contrasts. */
  public double contrastSd() {
    double mean = contrastMean();
    double squares = 0;
    for (double c : backgroundContrasts()) {
      squares += (c - mean) * (c - mean);
    }
    return Math.sqrt(squares / (backgroundBest.size() - 1));
  }

  /**
   * Whether a z can be computed: the background's contrasts spread. On an index of one tile every
   * text's best is its mean, every contrast is 0, and a z would divide by zero; no verdict is
   * better than an infinite one.
   */
  public boolean canJudge() {
    double sd = contrastSd();
    return Double.isFinite(sd) && sd > 0;
  }

  /**
   * A text query's best cosine {@code best}, its embedding {@code query}, calibrated.
   *
   * @throws IllegalStateException when {@link #canJudge} is false
   */
  public Calibrated calibrate(float best, float[] query) {
    if (!canJudge()) {
      throw new IllegalStateException(
          "the background's contrasts do not spread over " + tiles + " tiles: no z to compute");
    }
    double mean = dot(query, tileMean);
    double z = (best - mean - contrastMean()) / contrastSd();
    Verdict verdict =
        z >= STRONG_Z ? Verdict.STRONG : z >= WEAK_Z ? Verdict.WEAK : Verdict.NO_BETTER;
    return new Calibrated(best, mean, z, verdict);
  }

  private static double dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "embedding of dimension " + a.length + " against a calibration of " + b.length);
    }
    double sum = 0;
    for (int d = 0; d < a.length; d++) {
      sum += (double) a[d] * b[d];
    }
    return sum;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The record kept beside an index. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("background_version", backgroundVersion);
    root.put("bundle", bundle);
    root.put("tiles", tiles);
    root.put("generation", generation);
    ArrayNode bests = root.putArray("background_best");
    backgroundBest.forEach(bests::add);
    ArrayNode means = root.putArray("background_mean");
    backgroundMean.forEach(means::add);
    ArrayNode centre = root.putArray("tile_mean");
    for (float v : tileMean) {
      centre.add(v);
    }
    return root.toPrettyString();
  }

  /** Reads {@link #toJson}. */
  public static ScoreCalibration fromJson(String text) throws IOException {
    JsonNode root = JSON.readTree(text);
    JsonNode centre = root.get("tile_mean");
    float[] tileMean = new float[centre.size()];
    for (int d = 0; d < tileMean.length; d++) {
      tileMean[d] = centre.get(d).floatValue();
    }
    return new ScoreCalibration(
        root.get("background_version").asText(),
        root.get("bundle").asText(),
        root.get("tiles").asInt(),
        root.get("generation").asLong(),
        tileMean,
        floats(root.get("background_best")),
        floats(root.get("background_mean")));
  }

  private static List<Float> floats(JsonNode array) {
    List<Float> values = new ArrayList<>();
    array.forEach(v -> values.add(v.floatValue()));
    return List.copyOf(values);
  }
}
