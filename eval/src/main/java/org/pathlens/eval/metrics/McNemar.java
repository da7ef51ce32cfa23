package org.pathlens.eval.metrics;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * McNemar's test of two classifiers on the same items (McNemar 1947) in its exact conditional form,
 * the binomial test of the discordant counts (statsmodels' {@code mcnemar(exact=True)}), rather
 * than the chi-squared approximation that small counts break. Only the discordant items speak: b
 * where A is right and B wrong, c where A is wrong and B right. Under "equally accurate" each
 * discordant item goes either way with probability ½, so the two-sided p-value is min(1, 2 · P(X ≤
 * min(b, c))) for X ~ Binomial(b + c, ½), and 1 when there is no discordant item. It treats items
 * as independent: with tiles from few slides, the slide-level paired bootstrap is the better judge;
 * this is a second opinion.
 *
 * @param b items A classified right and B wrong
 * @param c items A classified wrong and B right
 * @param pValue the two-sided exact p-value
 */
public record McNemar(int b, int c, double pValue) {

  /** The test from each item's outcome under A and under B, in the same item order. */
  public static McNemar of(boolean[] aRight, boolean[] bRight) {
    if (aRight.length != bRight.length) {
      throw new IllegalArgumentException(
          "paired outcomes need the same items: A has " + aRight.length + ", B " + bRight.length);
    }
    int b = 0;
    int c = 0;
    for (int i = 0; i < aRight.length; i++) {
      if (aRight[i] && !bRight[i]) {
        b++;
      } else if (!aRight[i] && bRight[i]) {
        c++;
      }
    }
    return new McNemar(b, c, exactPValue(b, c));
  }

  /** Whether each item's prediction is its truth. */
  public static boolean[] correct(Predictions p) {
    boolean[] out = new boolean[p.size()];
    for (int i = 0; i < p.size(); i++) {
      out[i] = p.truth()[i] == p.predicted()[i];
    }
    return out;
  }

  /**
   * min(1, 2 · Σ_{i ≤ min(b, c)} C(b + c, i) / 2^(b + c)), summed in exact integers so that no
   * count underflows a double (½^n does beyond n = 1074); rounded to a double once, at the end.
   */
  public static double exactPValue(int b, int c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got b = " + b + ", c = " + c);
    }
    int n = b + c;
    int k = Math.min(b, c);
    BigInteger term = BigInteger.ONE; // C(n, 0)
    BigInteger tail = BigInteger.ONE;
    for (int i = 0; i < k; i++) {
      term =
          term.multiply(BigInteger.valueOf(n - i))
              .divide(BigInteger.valueOf(i + 1)); // C(n, i + 1), exact
      tail = tail.add(term);
    }
    // 2 · tail / 2^n = tail / 2^(n − 1); at n = 0 the tail is 1 and the p-value 2, capped to 1.
    BigDecimal p =
        n == 0
            ? BigDecimal.TWO
            : new BigDecimal(tail)
                .divide(new BigDecimal(BigInteger.ONE.shiftLeft(n - 1)), MathContext.DECIMAL128);
    return Math.min(1, p.doubleValue());
  }
}
