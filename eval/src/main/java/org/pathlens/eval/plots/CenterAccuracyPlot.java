package org.pathlens.eval.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.pathlens.eval.metrics.Bootstrap;

/**
 * Accuracy per medical center with its bootstrap interval as an error bar, and the accuracy over
 * all tiles as a dashed line: a center well below the line is one the model handles worse.
 */
public final class CenterAccuracyPlot {

  /** One center: its name, how many tiles, and its accuracy with interval. */
  public record Point(String center, int tiles, Bootstrap.Interval accuracy) {}

  /** Above this many centers the names are written upwards so they do not overlap. */
  private static final int UPRIGHT_LABELS_FROM = 7;

  private CenterAccuracyPlot() {}

  public static BufferedImage render(
      List<Point> centers, Bootstrap.Interval overall, String title) {
    System.setProperty("java.awt.headless", "true");
    YIntervalSeries series = new YIntervalSeries("accuracy (95 % bootstrap interval)");
    String[] names = new String[centers.size()];
    double lowest = overall.estimate();
    for (int i = 0; i < centers.size(); i++) {
      Point p = centers.get(i);
      Bootstrap.Interval ci = p.accuracy();
      double low = Double.isNaN(ci.lower()) ? ci.estimate() : ci.lower();
      double high = Double.isNaN(ci.upper()) ? ci.estimate() : ci.upper();
      series.add(i, ci.estimate(), low, high);
      names[i] = p.center() + " (" + p.tiles() + ")";
      lowest = Math.min(lowest, low);
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    data.addSeries(series);

    SymbolAxis centerAxis = new SymbolAxis("center (tiles)", names);
    centerAxis.setGridBandsVisible(false);
    centerAxis.setVerticalTickLabels(centers.size() >= UPRIGHT_LABELS_FROM);
    centerAxis.setLowerMargin(0.1);
    centerAxis.setUpperMargin(0.1);
    NumberAxis accuracyAxis = new NumberAxis("accuracy");
    // From a round step under the lowest bound to just above 1: differences between centers stay
    // visible.
    accuracyAxis.setRange(Math.max(0, Math.floor((lowest - 0.05) * 10) / 10), 1.02);

    XYErrorRenderer renderer = new XYErrorRenderer();
    renderer.setDrawXError(false);
    renderer.setDefaultLinesVisible(false);
    renderer.setDefaultShapesVisible(true);
    renderer.setSeriesPaint(0, ChartStyle.colour(0));
    renderer.setSeriesShape(0, ChartStyle.marker(0, 10));
    renderer.setErrorPaint(Color.DARK_GRAY);
    renderer.setErrorStroke(new BasicStroke(1.5f));
    renderer.setCapLength(10);

    XYPlot plot = new XYPlot(data, centerAxis, accuracyAxis, renderer);
    BasicStroke dashed =
        new BasicStroke(
            1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);
    plot.addRangeMarker(new ValueMarker(overall.estimate(), Color.GRAY, dashed));
    // The line is named in the legend, not beside it, where it would cover a center's marker.
    LegendItemCollection legend = plot.getLegendItems();
    legend.add(
        new LegendItem(
            String.format(Locale.ROOT, "all tiles %.4f", overall.estimate()),
            null,
            null,
            null,
            new Line2D.Double(-12, 0, 12, 0),
            dashed,
            Color.GRAY));
    plot.setFixedLegendItems(legend);
    JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE, plot, true);
    ChartStyle.apply(chart);
    return chart.createBufferedImage(ChartStyle.WIDTH, ChartStyle.HEIGHT);
  }
}
