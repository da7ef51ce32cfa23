package org.pathlens.eval.plots;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.pathlens.eval.metrics.ConfusionMatrix;

/**
 * Draws a confusion matrix as a PNG with Java2D (works headless; a chart library has no annotated
 * matrix to offer): cells shaded by the row fraction (the recall of the true class), counts printed
 * in each cell, or with {@code rowNormalised} the row fractions themselves, so that classes of
 * different sizes compare; true classes down the left, predictions across the top, a title.
 */
public final class ConfusionMatrixPlot {

  private static final int CELL = 56;
  private static final Color HIGH = new Color(8, 48, 107);
  private static final Color LOW = new Color(247, 251, 255);

  private ConfusionMatrixPlot() {}

  public static BufferedImage render(ConfusionMatrix m, String title) {
    return render(m, title, false);
  }

  public static BufferedImage render(ConfusionMatrix m, String title, boolean rowNormalised) {
    System.setProperty("java.awt.headless", "true");
    int k = m.classCount();
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    FontMetrics fm = pg.getFontMetrics(labelFont);
    int labelWidth = 0;
    for (String id : m.classIds()) {
      labelWidth = Math.max(labelWidth, fm.stringWidth(id));
    }
    int titleWidth = pg.getFontMetrics(titleFont).stringWidth(title);
    pg.dispose();
    int left = labelWidth + 50;
    int top = labelWidth + 60;
    int width = Math.max(left + k * CELL + 20, titleWidth + 40);
    int height = top + k * CELL + 20;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(titleFont);
    g.drawString(title, 20, 22);
    g.setFont(labelFont);
    g.drawString("predicted", left, 44);
    AffineTransform plain = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString("true", -(top + k * CELL / 2 + 14), 18);
    g.setTransform(plain);
    for (int t = 0; t < k; t++) {
      long support = m.support(t);
      for (int p = 0; p < k; p++) {
        long count = m.counts()[t][p];
        double fraction = support == 0 ? 0 : (double) count / support;
        Color fill = mix(LOW, HIGH, fraction);
        int x = left + p * CELL;
        int y = top + t * CELL;
        g.setColor(fill);
        g.fillRect(x, y, CELL, CELL);
        g.setColor(fraction > 0.5 ? Color.WHITE : Color.BLACK);
        String text =
            rowNormalised ? String.format(Locale.ROOT, "%.2f", fraction) : Long.toString(count);
        g.drawString(
            text, x + (CELL - fm.stringWidth(text)) / 2, y + CELL / 2 + fm.getAscent() / 2 - 2);
      }
      g.setColor(Color.BLACK);
      String id = m.classIds().get(t);
      g.drawString(
          id, left - 8 - fm.stringWidth(id), top + t * CELL + CELL / 2 + fm.getAscent() / 2 - 2);
    }
    for (int p = 0; p < k; p++) {
      String id = m.classIds().get(p);
      g.rotate(-Math.PI / 2);
      g.drawString(id, -(top - 8), left + p * CELL + CELL / 2 + fm.getAscent() / 2 - 2);
      g.setTransform(plain);
    }
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(left, top, k * CELL, k * CELL);
    g.dispose();
    return image;
  }

  public static void write(ConfusionMatrix m, String title, Path png) throws IOException {
    Path parent = png.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    ImageIO.write(render(m, title), "png", png.toFile());
  }

  private static Color mix(Color a, Color b, double t) {
    return new Color(
        (int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
  }
}
