package org.pathlens.prompts.fewshot;

import java.util.Arrays;
import java.util.List;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.Softmax;

/**
 * A linear probe: multinomial logistic regression on frozen image embeddings, the first rung of the
 * adaptation ladder above zero-shot. Trained by minimising
 *
 * <pre>  (1/N) Σᵢ −log softmax(W xᵢ + b)[yᵢ]  +  (λ/2) ‖W‖²</pre>
 *
 * (bias not penalised) with L-BFGS from zero, so training is deterministic. The objective is
 * strictly convex in W for λ &gt; 0, so the optimum is unique and does not depend on the optimiser.
 */
public final class LinearProbe implements ScaledClassifier {

  /**
   * @param l2 λ, the L2 penalty on the weights; the default suits unit-norm embeddings and a few
   *     labels per class (see {@link #DEFAULT_L2})
   * @param maxIterations L-BFGS iteration budget
   * @param tolerance stop when every partial derivative is below this in magnitude
   */
  public record Options(double l2, int maxIterations, double tolerance) {
    public Options {
      if (!(l2 > 0)) {
        throw new IllegalArgumentException(
            "l2 must be > 0 (it keeps the optimum unique and finite on separable data), got " + l2);
      }
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_L2, 1000, 1e-7);
    }

    public Options withL2(double l2) {
      return new Options(l2, maxIterations, tolerance);
    }
  }

  /**
   * With few labels the data are separable and λ alone bounds the weights: at the optimum ‖W‖ grows
   * roughly like log(1/λ), so 1e-3 lets the logits of unit-norm embeddings span a few units
   * (confident but finite probabilities) without chasing single tiles. A principled default, not
   * tuned on any evaluation set; sweep it (Options.withL2) when you have a validation split.
   */
  public static final double DEFAULT_L2 = 1e-3;

  private final List<String> classIds;
  private final float[][] weights;
  private final float[] bias;
  private final Lbfgs.Result fit;

  private LinearProbe(List<String> classIds, float[][] weights, float[] bias, Lbfgs.Result fit) {
    this.classIds = classIds;
    this.weights = weights;
    this.bias = bias;
    this.fit = fit;
  }

  public static LinearProbe train(LabelledEmbeddings data, Options options) {
    int k = data.classIds().size();
    int d = data.dimension();
    Lbfgs.Result fit =
        Lbfgs.minimize(
            (params, gradient) -> objective(data, options.l2(), params, gradient),
            new double[k * d + k],
            options.maxIterations(),
            options.tolerance());
    float[][] w = new float[k][d];
    float[] b = new float[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        w[c][j] = (float) fit.x()[c * d + j];
      }
      b[c] = (float) fit.x()[k * d + c];
    }
    return new LinearProbe(data.classIds(), w, b, fit);
  }

  /** Mean cross-entropy plus (λ/2)‖W‖², and its gradient; params are W row-major, then b. */
  static double objective(LabelledEmbeddings data, double l2, double[] params, double[] gradient) {
    int k = data.classIds().size();
    int d = data.dimension();
    int n = data.size();
    Arrays.fill(gradient, 0);
    double loss = 0;
    double[] z = new double[k];
    for (int i = 0; i < n; i++) {
      float[] x = data.embeddings()[i];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double sum = params[k * d + c];
        for (int j = 0; j < d; j++) {
          sum += params[c * d + j] * x[j];
        }
        z[c] = sum;
        max = Math.max(max, sum);
      }
      double norm = 0;
      for (int c = 0; c < k; c++) {
        z[c] = Math.exp(z[c] - max);
        norm += z[c];
      }
      int y = data.labels()[i];
      // z[y]/norm is the probability of the true class; log-sum-exp kept stable by the max.
      loss -= Math.log(z[y] / norm);
      for (int c = 0; c < k; c++) {
        double residual = (z[c] / norm - (c == y ? 1 : 0)) / n;
        for (int j = 0; j < d; j++) {
          gradient[c * d + j] += residual * x[j];
        }
        gradient[k * d + c] += residual;
      }
    }
    loss /= n;
    for (int p = 0; p < k * d; p++) {
      loss += 0.5 * l2 * params[p] * params[p];
      gradient[p] += l2 * params[p];
    }
    return loss;
  }

  @Override
  public double softmaxScale() {
    return 1.0;
  }

  @Override
  public List<String> classIds() {
    return classIds;
  }

  /** Scores are the logits W x + b; probabilities their softmax. */
  @Override
  public ClassProbabilities classify(float[] imageEmbedding) {
    float[] logits = new float[weights.length];
    for (int c = 0; c < logits.length; c++) {
      double sum = bias[c];
      for (int j = 0; j < imageEmbedding.length; j++) {
        sum += weights[c][j] * imageEmbedding[j];
      }
      logits[c] = (float) sum;
    }
    return new ClassProbabilities(classIds, logits, Softmax.of(logits, 1.0));
  }

  /** Weights [class][dimension]; shared, do not modify. */
  public float[][] weights() {
    return weights;
  }

  public float[] bias() {
    return bias;
  }

  /** The training objective at the optimum found, the final gradient max-norm, the iterations. */
  public double objectiveValue() {
    return fit.value();
  }

  public double gradientNorm() {
    return fit.gradientNorm();
  }

  public int iterations() {
    return fit.iterations();
  }

  public boolean converged() {
    return fit.converged();
  }
}
