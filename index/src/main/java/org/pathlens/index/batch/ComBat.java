package org.pathlens.index.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Fits ComBat's location/scale batch model (Johnson, Li &amp; Rabinovic 2007, "Adjusting batch
 * effects in microarray expression data using empirical Bayes methods", Biostatistics 8:118) to
 * embeddings, one batch per center, without covariates: the class of a tile is what the correction
 * must keep, and is unknown at ingest anyway. ComBat on deep pathology features: Murchan et al.
 * 2024, "Deep feature batch correction using ComBat for machine learning applications in
 * computational pathology", J Pathol Inform.
 *
 * <p>Per feature g: the grand mean m and the pooled within-batch variance v (denominator N) of all
 * fitted samples; z = (x − m)/√v; per batch i the location γ̂ = mean of z and the scale δ̂ =
 * variance of z (denominator n − 1). {@link Method#LOCATION_SCALE} uses them as they are. {@link
 * Method#EMPIRICAL_BAYES} shrinks them towards the batch's priors over all features (γ ~ N(γ̄, τ²),
 * δ ~ inverse gamma(a, b), hyperparameters by the method of moments), iterating the paper's
 * posterior means until the largest relative change is below {@value #CONVERGENCE}: a small batch's
 * noisy per-feature estimates borrow strength from its other features. The numpy reference is
 * {@code fixtures/scripts/make_combat_golden.py}.
 */
public final class ComBat {

  /** How the per-batch parameters are estimated. */
  public enum Method {
    /**
     * ComBat proper: per-feature estimates shrunk by the paper's parametric empirical Bayes priors.
     */
    EMPIRICAL_BAYES("combat"),
    /** The plain per-feature batch mean and variance, no shrinkage. */
    LOCATION_SCALE("location_scale");

    private final String id;

    Method(String id) {
      this.id = id;
    }

    /** The name in configs, files and on the command line. */
    public String id() {
      return id;
    }

    public static Method parse(String text) {
      String t = text.toLowerCase(Locale.ROOT).replace('-', '_');
      for (Method m : values()) {
        if (m.id.equals(t)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a batch correction method: use combat or location_scale");
    }
  }

  /**
   * @param method how batch parameters are estimated
   * @param minTiles batches with fewer samples are not fitted (their samples stay uncorrected); at
   *     least 2
   */
  public record Options(Method method, int minTiles) {
    public static final int DEFAULT_MIN_TILES = 10;

    public Options {
      if (minTiles < 2) {
        throw new IllegalArgumentException(
            "a batch needs at least 2 tiles to have a variance, got min tiles " + minTiles);
      }
    }

    public static Options defaults() {
      return new Options(Method.EMPIRICAL_BAYES, DEFAULT_MIN_TILES);
    }
  }

  /**
   * A fit and what it left out.
   *
   * @param skipped batches with fewer than {@code minTiles} samples, by name, with their counts
   */
  public record Fit(BatchCorrection correction, SortedMap<String, Long> skipped) {}

  /** The paper's (and sva's) convergence threshold of the empirical Bayes iteration. */
  static final double CONVERGENCE = 1e-4;

  private static final int MAX_ITERATIONS = 1000;

  /**
   * A batch's variance ratio is kept above this, so a feature constant within one batch cannot
   * divide by zero.
   */
  static final double MIN_DELTA = 1e-6;

  private ComBat() {}

  /** Fits on per-sample embeddings and their batch names (null: not fitted). */
  public static Fit fit(String by, List<float[]> samples, List<String> batches, Options options) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples to fit a batch correction on");
    }
    if (samples.size() != batches.size()) {
      throw new IllegalArgumentException(
          samples.size() + " samples but " + batches.size() + " batch names");
    }
    BatchStatistics stats = new BatchStatistics(samples.getFirst().length);
    for (int i = 0; i < samples.size(); i++) {
      if (batches.get(i) != null) {
        stats.add(batches.get(i), samples.get(i));
      }
    }
    return fit(by, stats, options);
  }

  /**
   * Fits on running statistics.
   *
   * @param by the metadata field that names a sample's batch (recorded, e.g. {@code site})
   * @throws IllegalArgumentException when fewer than two batches have {@code minTiles} samples
   */
  public static Fit fit(String by, BatchStatistics stats, Options options) {
    int dim = stats.dimension();
    SortedMap<String, BatchStatistics.Batch> fitted = new TreeMap<>();
    SortedMap<String, Long> skipped = new TreeMap<>();
    for (Map.Entry<String, BatchStatistics.Batch> e : stats.batches().entrySet()) {
      if (e.getValue().count() >= options.minTiles()) {
        fitted.put(e.getKey(), e.getValue());
      } else {
        skipped.put(e.getKey(), e.getValue().count());
      }
    }
    if (fitted.size() < 2) {
      throw new IllegalArgumentException(
          "a batch correction by "
              + by
              + " needs at least two batches with "
              + options.minTiles()
              + " or more tiles; "
              + (fitted.isEmpty() ? "none has" : "only " + fitted.firstKey() + " has")
              + " (batches and tiles: "
              + counts(stats)
              + ")");
    }
    long total = fitted.values().stream().mapToLong(BatchStatistics.Batch::count).sum();
    double[] mean = new double[dim];
    double[] scale = new double[dim];
    for (int g = 0; g < dim; g++) {
      double sum = 0;
      double squares = 0;
      for (BatchStatistics.Batch b : fitted.values()) {
        sum += b.count() * b.mean(g);
        squares += b.squares(g);
      }
      mean[g] = sum / total;
      scale[g] = Math.sqrt(squares / total);
    }
    SortedMap<String, BatchCorrection.Batch> parameters = new TreeMap<>();
    for (Map.Entry<String, BatchStatistics.Batch> e : fitted.entrySet()) {
      parameters.put(e.getKey(), batch(e.getValue(), mean, scale, options.method()));
    }
    return new Fit(new BatchCorrection(by, options.method(), mean, scale, parameters), skipped);
  }

  private static BatchCorrection.Batch batch(
      BatchStatistics.Batch b, double[] mean, double[] scale, Method method) {
    int dim = mean.length;
    long n = b.count();
    double[] gammaHat = new double[dim];
    double[] deltaHat = new double[dim];
    for (int g = 0; g < dim; g++) {
      if (scale[g] == 0) {
        // A feature constant over every fitted sample: nothing to correct (γ = 0, δ = 1 leave it as
        // it is).
        gammaHat[g] = 0;
        deltaHat[g] = 1;
        continue;
      }
      gammaHat[g] = (b.mean(g) - mean[g]) / scale[g];
      deltaHat[g] = b.squares(g) / (n - 1) / (scale[g] * scale[g]);
    }
    if (method == Method.LOCATION_SCALE) {
      return new BatchCorrection.Batch(n, gammaHat, floor(deltaHat), 0);
    }
    return empiricalBayes(n, gammaHat, deltaHat);
  }

  /** The paper's parametric priors and its iteration of the conditional posterior means. */
  private static BatchCorrection.Batch empiricalBayes(
      long n, double[] gammaHat, double[] deltaHat) {
    int dim = gammaHat.length;
    double gammaBar = mean(gammaHat);
    double tau2 = variance(gammaHat, gammaBar);
    double m = mean(deltaHat);
    double s2 = variance(deltaHat, m);
    double a = (m * m + 2 * s2) / s2;
    double b = (m * m * m + m * s2) / s2;
    double[] gamma = gammaHat.clone();
    double[] delta = deltaHat.clone();
    for (int iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
      double change = 0;
      double[] nextGamma = new double[dim];
      double[] nextDelta = new double[dim];
      for (int g = 0; g < dim; g++) {
        // With no spread over the features the prior is a point: the estimate is the prior's
        // centre.
        nextGamma[g] =
            tau2 == 0
                ? gammaBar
                : (n * tau2 * gammaHat[g] + delta[g] * gammaBar) / (n * tau2 + delta[g]);
        // Σ_j (z_j − γ)² from the batch's own mean and variance: (n − 1) δ̂ + n (γ̂ − γ)².
        double d = gammaHat[g] - nextGamma[g];
        double sum2 = (n - 1) * deltaHat[g] + n * d * d;
        nextDelta[g] = s2 == 0 ? m : (b + sum2 / 2) / (n / 2.0 + a - 1);
        change =
            Math.max(
                change, Math.abs(nextGamma[g] - gamma[g]) / Math.max(Math.abs(gamma[g]), 1e-12));
        change = Math.max(change, Math.abs(nextDelta[g] - delta[g]) / delta[g]);
      }
      gamma = nextGamma;
      delta = nextDelta;
      if (change < CONVERGENCE) {
        return new BatchCorrection.Batch(n, gamma, floor(delta), iteration);
      }
    }
    throw new IllegalStateException(
        "ComBat's empirical Bayes estimates did not converge in "
            + MAX_ITERATIONS
            + " iterations (batch of "
            + n
            + " tiles); use the location_scale method");
  }

  private static double[] floor(double[] delta) {
    double[] out = delta.clone();
    for (int g = 0; g < out.length; g++) {
      out[g] = Math.max(out[g], MIN_DELTA);
    }
    return out;
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  /** Sample variance (denominator n − 1), as the method of moments in the paper. */
  private static double variance(double[] v, double mean) {
    if (v.length < 2) {
      return 0;
    }
    double sum = 0;
    for (double x : v) {
      sum += (x - mean) * (x - mean);
    }
    return sum / (v.length - 1);
  }

  private static String counts(BatchStatistics stats) {
    List<String> out = new ArrayList<>();
    stats.batches().forEach((name, b) -> out.add(name + " " + b.count()));
    return out.isEmpty() ? "none" : String.join(", ", out);
  }
}
