package org.pathlens.prompts.slides;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A per-tile value (a class probability) drawn over a slide thumbnail: each tile's cell filled with
 * its {@link Viridis} colour, semi-transparent so the tissue stays visible under it, nothing where
 * there is no tile (glass, tissue the tiler skipped); a colour bar from 0 to 1 on the right, a
 * title above. Tiles are mapped from level-0 pixels to thumbnail pixels by the thumbnail's scale.
 * The cells alone, at the thumbnail's size, are {@link #cellLayer}: what a viewer stacks over the
 * thumbnail.
 */
public final class HeatmapPlot {

  /** A tile cell: level-0 top-left corner and the value to colour it by (0..1). */
  public record Cell(long x0, long y0, double value) {}

  static final int MARGIN = 12;
  static final int TITLE = 40;
  static final int BAR_GAP = 16;
  static final int BAR_WIDTH = 20;
  static final int LABELS = 48;
  static final int MIN_BAR_HEIGHT = 160;

  /** Opacity of the cells: the colour reads clearly, the tissue texture still shows through. */
  static final float ALPHA = 0.55f;

  private HeatmapPlot() {}

  /** Width and height of the image {@link #render} makes for a thumbnail of this size. */
  public static int[] size(int thumbnailWidth, int thumbnailHeight) {
    return new int[] {
      MARGIN + thumbnailWidth + BAR_GAP + BAR_WIDTH + LABELS + MARGIN,
      TITLE + Math.max(thumbnailHeight, MIN_BAR_HEIGHT) + MARGIN
    };
  }

  /**
   * @param thumbnail the whole slide, scaled
   * @param width0 the slide's level-0 width (the thumbnail's scale is its width over this)
   * @param height0 the slide's level-0 height
   * @param side0 the level-0 side of a tile cell
   * @param title the line above the image (the class name and the slide)
   * @param barLabel the quantity the colour bar shows, e.g. {@code P(TUM)}
   */
  public static BufferedImage render(
      BufferedImage thumbnail,
      long width0,
      long height0,
      double side0,
      List<Cell> cells,
      String title,
      String barLabel) {
    System.setProperty("java.awt.headless", "true");
    int tw = thumbnail.getWidth(), th = thumbnail.getHeight();
    int[] size = size(tw, th);
    BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, size[0], size[1]);
      g.drawImage(thumbnail, MARGIN, TITLE, null);
      g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, ALPHA));
      g.drawImage(cellLayer(tw, th, width0, height0, side0, cells), MARGIN, TITLE, null);
      g.setComposite(AlphaComposite.SrcOver);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, MARGIN, 26);
      colourBar(g, MARGIN + tw + BAR_GAP, TITLE, Math.max(th, MIN_BAR_HEIGHT), barLabel);
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * The cells alone over a whole slide drawn {@code width} x {@code height} pixels (a thumbnail's
   * size): each cell opaque in its colour, fully transparent where there is no tile. Level-0 x maps
   * to {@code x * width / width0}, y to {@code y * height / height0}, the thumbnail's own scale per
   * axis, so the layer stacked on the thumbnail puts every cell on its tile's tissue.
   *
   * @param width0 the slide's level-0 width
   * @param height0 the slide's level-0 height
   * @param side0 the level-0 side of a tile cell
   */
  public static BufferedImage cellLayer(
      int width, int height, long width0, long height0, double side0, List<Cell> cells) {
    System.setProperty("java.awt.headless", "true");
    BufferedImage layer = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = layer.createGraphics();
    try {
      double sx = (double) width / width0, sy = (double) height / height0;
      for (Cell cell : cells) {
        // Edges rounded from level-0 positions: neighbouring cells share their edge, no seam or
        // overlap.
        int left = (int) Math.round(cell.x0() * sx),
            right = (int) Math.round((cell.x0() + side0) * sx);
        int top = (int) Math.round(cell.y0() * sy),
            bottom = (int) Math.round((cell.y0() + side0) * sy);
        left = Math.clamp(left, 0, width);
        right = Math.clamp(right, 0, width);
        top = Math.clamp(top, 0, height);
        bottom = Math.clamp(bottom, 0, height);
        g.setColor(Viridis.of(cell.value()));
        g.fillRect(left, top, Math.max(1, right - left), Math.max(1, bottom - top));
      }
    } finally {
      g.dispose();
    }
    return layer;
  }

  /** The bar: 1 at the top, 0 at the bottom, ticks every 0.25, the quantity written along it. */
  private static void colourBar(Graphics2D g, int x, int y, int height, String label) {
    for (int row = 0; row < height; row++) {
      g.setColor(Viridis.of(1 - (double) row / (height - 1)));
      g.fillRect(x, y + row, BAR_WIDTH, 1);
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1));
    g.drawRect(x, y, BAR_WIDTH - 1, height - 1);
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    for (int k = 0; k <= 4; k++) {
      double value = k / 4.0;
      int ty = y + (int) Math.round((1 - value) * (height - 1));
      g.drawLine(x + BAR_WIDTH, ty, x + BAR_WIDTH + 3, ty);
      g.drawString(
          String.format(Locale.ROOT, "%.2f", value),
          x + BAR_WIDTH + 5,
          ty + fm.getAscent() / 2 - 1);
    }
    // The quantity, written upwards beside the ticks.
    var plain = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(label, -(y + height / 2 + fm.stringWidth(label) / 2), x + BAR_WIDTH + LABELS - 4);
    g.setTransform(plain);
  }
}
