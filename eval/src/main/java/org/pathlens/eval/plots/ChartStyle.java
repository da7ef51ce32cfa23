package org.pathlens.eval.plots;

import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleInsets;

/**
 * One look for the JFreeChart charts of evaluation reports: white background, light grey grid,
 * readable fonts, and categorical colours from matplotlib's "tab10" palette (Tableau's, ten hues
 * chosen to stay apart on screen and in print). Beyond ten categories the colours repeat with a
 * different marker shape, so that no two categories look the same.
 */
public final class ChartStyle {

  /** Width and height of every chart image in a report. */
  public static final int WIDTH = 800;

  public static final int HEIGHT = 560;

  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font AXIS_LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Color GRID = new Color(0xDD, 0xDD, 0xDD);

  private static final int[] TAB10 = {
    0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22,
    0x17BECF,
  };

  private ChartStyle() {}

  /** The colour of category {@code i} (0-based). */
  public static Color colour(int i) {
    return new Color(TAB10[i % TAB10.length]);
  }

  /**
   * The marker of category {@code i}: a circle for the first ten, then square, triangle, diamond.
   */
  public static Shape marker(int i, double size) {
    double h = size / 2;
    return switch ((i / TAB10.length) % 4) {
      case 0 -> new Ellipse2D.Double(-h, -h, size, size);
      case 1 -> new Rectangle2D.Double(-h, -h, size, size);
      case 2 -> polygon(new double[] {0, h, -h}, new double[] {-h, h, h});
      default -> polygon(new double[] {0, h, 0, -h}, new double[] {-h, 0, h, 0});
    };
  }

  /** Fonts, background and grid of a chart whose plots are {@link XYPlot}s. */
  static void apply(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    // Room on the right for the last tick label of a domain axis that ends at the plot's edge.
    chart.setPadding(new RectangleInsets(6, 6, 6, 18));
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (chart.getTitle() != null) {
      chart.getTitle().setFont(TITLE);
    }
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setItemFont(TICK);
      legend.setFrame(BlockBorder.NONE);
    }
    style(chart.getPlot());
  }

  static void style(Plot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlinePaint(Color.GRAY);
    if (plot instanceof XYPlot xy) {
      xy.setDomainGridlinePaint(GRID);
      xy.setRangeGridlinePaint(GRID);
      for (int a = 0; a < xy.getDomainAxisCount(); a++) {
        axis(xy.getDomainAxis(a));
      }
      for (int a = 0; a < xy.getRangeAxisCount(); a++) {
        axis(xy.getRangeAxis(a));
      }
      if (xy instanceof CombinedDomainXYPlot combined) {
        combined.getSubplots().forEach(ChartStyle::style);
      }
    }
  }

  private static void axis(Axis axis) {
    if (axis != null) {
      axis.setLabelFont(AXIS_LABEL);
      axis.setTickLabelFont(TICK);
    }
  }

  private static Shape polygon(double[] xs, double[] ys) {
    Path2D.Double p = new Path2D.Double();
    p.moveTo(xs[0], ys[0]);
    for (int k = 1; k < xs.length; k++) {
      p.lineTo(xs[k], ys[k]);
    }
    p.closePath();
    return p;
  }
}
