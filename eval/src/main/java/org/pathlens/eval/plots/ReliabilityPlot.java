package org.pathlens.eval.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardXYItemLabelGenerator;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.pathlens.eval.metrics.Reliability;

/**
 * A reliability diagram (Guo et al. 2017): above, each confidence bin's accuracy as a bar and its
 * mean confidence as a marker, with the diagonal a perfectly calibrated model would follow (the gap
 * between bar top and marker is the bin's calibration error); below, how many tiles each bin holds,
 * printed over its bar, since a bin of three tiles says little.
 */
public final class ReliabilityPlot {

  /** Light enough that the diagonal and the markers read over it. */
  private static final Color BAR = new Color(0x9E, 0xC5, 0xE6);

  private static final Color CONFIDENCE = ChartStyle.colour(1);

  private ReliabilityPlot() {}

  /**
   * @param subtitle the line under the title, e.g. the ECE with its interval
   */
  public static BufferedImage render(Reliability reliability, String title, String subtitle) {
    System.setProperty("java.awt.headless", "true");
    XYIntervalSeries accuracy = new XYIntervalSeries("accuracy");
    XYSeries confidence = new XYSeries("mean confidence", false, true);
    XYIntervalSeries counts = new XYIntervalSeries("tiles");
    for (Reliability.Bin bin : reliability.bins()) {
      double middle = (bin.lower() + bin.upper()) / 2;
      if (bin.count() > 0) {
        accuracy.add(
            middle, bin.lower(), bin.upper(), bin.accuracy(), bin.accuracy(), bin.accuracy());
        confidence.add(middle, bin.meanConfidence());
        counts.add(middle, bin.lower(), bin.upper(), bin.count(), bin.count(), bin.count());
      }
    }

    XYBarRenderer bars = bars(BAR);
    XYPlot top = new XYPlot(collection(accuracy), null, unitAxis("accuracy"), bars);
    XYLineAndShapeRenderer markers = new XYLineAndShapeRenderer(false, true);
    markers.setSeriesPaint(0, CONFIDENCE);
    markers.setSeriesShape(0, ChartStyle.marker(30, 11));
    top.setDataset(1, new XYSeriesCollection(confidence));
    top.setRenderer(1, markers);
    XYLineAnnotation diagonal =
        new XYLineAnnotation(
            0,
            0,
            1,
            1,
            new BasicStroke(
                1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0),
            Color.DARK_GRAY);
    // In front of the bars, as are the confidence markers: both are what the bars are read against.
    bars.addAnnotation(diagonal, Layer.FOREGROUND);
    top.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);

    XYBarRenderer countBars = bars(new Color(0x99, 0x99, 0x99));
    countBars.setDefaultItemLabelGenerator(
        new StandardXYItemLabelGenerator(
            "{2}",
            NumberFormat.getNumberInstance(Locale.ROOT),
            NumberFormat.getIntegerInstance(Locale.ROOT)));
    countBars.setDefaultItemLabelsVisible(true);
    countBars.setDefaultItemLabelFont(ChartStyle.TICK);
    countBars.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
    NumberAxis countAxis = new NumberAxis("tiles");
    countAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    // Head room for the count printed over the tallest bar.
    countAxis.setUpperMargin(0.3);
    XYPlot bottom = new XYPlot(collection(counts), null, countAxis, countBars);

    NumberAxis confidenceAxis = unitAxis("confidence (probability given to the predicted class)");
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(confidenceAxis);
    plot.setGap(12);
    plot.add(top, 3);
    plot.add(bottom, 1);
    JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE, plot, true);
    chart.addSubtitle(new TextTitle(subtitle, ChartStyle.SUBTITLE));
    ChartStyle.apply(chart);
    return chart.createBufferedImage(ChartStyle.WIDTH, ChartStyle.HEIGHT);
  }

  private static XYIntervalSeriesCollection collection(XYIntervalSeries series) {
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    data.addSeries(series);
    return data;
  }

  private static XYBarRenderer bars(Color colour) {
    XYBarRenderer bars = new XYBarRenderer(0.08);
    bars.setBarPainter(new StandardXYBarPainter());
    bars.setShadowVisible(false);
    bars.setDrawBarOutline(false);
    bars.setSeriesPaint(0, colour);
    return bars;
  }

  private static NumberAxis unitAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setRange(0, 1);
    axis.setTickUnit(
        new NumberTickUnit(
            0.1, new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT))));
    return axis;
  }
}
