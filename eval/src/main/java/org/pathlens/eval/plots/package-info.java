/**
 * The figures of evaluation reports, drawn headless as PNG: {@link ReliabilityPlot}, {@link
 * CenterAccuracyPlot} and {@link ProjectionPlot} on JFreeChart, so that axes, ticks, legends and
 * error bars come from a maintained library, with one look from {@link ChartStyle}; {@link
 * ConfusionMatrixPlot} in plain Java2D, since a chart library has no annotated matrix. They draw
 * what they are given and compute no metric.
 */
package org.pathlens.eval.plots;
