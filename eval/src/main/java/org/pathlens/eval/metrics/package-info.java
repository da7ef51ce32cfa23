/**
 * The numbers evaluations report, defined as scikit-learn, statsmodels or the papers define them so
 * that they compare with published ones: the classification {@link Metric}s over {@link
 * Predictions}, the {@link ConfusionMatrix}, calibration ({@link Reliability}), {@link Auroc}, the
 * {@link Retrieval} scores, PathoROB's {@link RobustnessIndex} and the {@link AdjustedRandIndex}.
 * {@link Bootstrap} gives seeded percentile intervals, resampling slides rather than tiles when
 * items carry groups, because tiles of one slide are correlated; {@link PairedBootstrap} and {@link
 * McNemar} test a difference between two systems on the same items. The tests check them against
 * hand-computed cases and numpy references. Arithmetic on arrays only: nothing here embeds, reads
 * an index or draws a figure.
 */
package org.pathlens.eval.metrics;
