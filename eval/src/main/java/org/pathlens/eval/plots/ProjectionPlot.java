package org.pathlens.eval.plots;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A 2-D map of embeddings (a projection's first two coordinates), one colour per category (a class,
 * or a center), categories in sorted order in the legend. Markers shrink and turn translucent as
 * the points grow many, so that dense clusters still show their mix.
 */
public final class ProjectionPlot {

  private ProjectionPlot() {}

  /**
   * @param points per item, its x and y
   * @param categories per item, what colours it
   */
  public static BufferedImage render(
      double[][] points, List<String> categories, String title, String xLabel, String yLabel) {
    System.setProperty("java.awt.headless", "true");
    if (points.length != categories.size()) {
      throw new IllegalArgumentException(
          points.length + " points but " + categories.size() + " categories");
    }
    TreeMap<String, XYSeries> byCategory = new TreeMap<>();
    for (int i = 0; i < points.length; i++) {
      byCategory
          .computeIfAbsent(categories.get(i), c -> new XYSeries(c, false, true))
          .add(points[i][0], points[i][1], false);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    byCategory.values().forEach(data::addSeries);

    double size = points.length > 5000 ? 3 : points.length > 500 ? 5 : 8;
    int alpha = points.length > 5000 ? 110 : points.length > 500 ? 170 : 220;
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    for (int s = 0; s < data.getSeriesCount(); s++) {
      Color c = ChartStyle.colour(s);
      renderer.setSeriesPaint(s, new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha));
      renderer.setSeriesShape(s, ChartStyle.marker(s, size));
      // The legend keeps full-size, opaque markers even when the points are small.
      renderer.setLegendShape(s, ChartStyle.marker(s, 9));
    }
    NumberAxis x = new NumberAxis(xLabel);
    NumberAxis y = new NumberAxis(yLabel);
    x.setAutoRangeIncludesZero(false);
    y.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE, plot, true);
    ChartStyle.apply(chart);
    return chart.createBufferedImage(ChartStyle.WIDTH, ChartStyle.HEIGHT);
  }
}
