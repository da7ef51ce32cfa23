package org.pathlens.prompts.slides;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Image crops in labelled rows, each crop captioned: one row per class with its best tiles, for a
 * pathologist to see at a glance what the model calls each class on a slide.
 */
public final class ContactSheetPlot {

  /** One crop and the lines under it ({@code \n} separates them). */
  public record Crop(BufferedImage image, String caption) {}

  /** A labelled row of crops. */
  public record Row(String label, List<Crop> crops) {}

  static final int MARGIN = 12;
  static final int TITLE = 36;
  static final int LABEL = 80;
  static final int GAP = 6;
  static final int CAPTION = 30;

  private ContactSheetPlot() {}

  /**
   * Width and height of a sheet of {@code rows} rows of at most {@code columns} crops of side
   * {@code side}.
   */
  public static int[] size(int rows, int columns, int side) {
    return new int[] {
      MARGIN + LABEL + Math.max(1, columns) * (side + GAP) + MARGIN - GAP,
      TITLE + rows * (side + CAPTION + GAP) + MARGIN
    };
  }

  public static BufferedImage render(List<Row> rows, int side, String title) {
    System.setProperty("java.awt.headless", "true");
    int columns = rows.stream().mapToInt(r -> r.crops().size()).max().orElse(0);
    int[] size = size(rows.size(), columns, side);
    BufferedImage sheet = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, size[0], size[1]);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, MARGIN, 24);
      Font labelFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);
      Font captionFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
      for (int r = 0; r < rows.size(); r++) {
        Row row = rows.get(r);
        int y = TITLE + r * (side + CAPTION + GAP);
        g.setFont(labelFont);
        g.setColor(Color.BLACK);
        g.drawString(row.label(), MARGIN, y + side / 2);
        for (int c = 0; c < row.crops().size(); c++) {
          Crop crop = row.crops().get(c);
          int x = MARGIN + LABEL + c * (side + GAP);
          g.drawImage(crop.image(), x, y, side, side, null);
          g.setColor(Color.GRAY);
          g.drawRect(x, y, side - 1, side - 1);
          g.setFont(captionFont);
          g.setColor(Color.BLACK);
          FontMetrics fm = g.getFontMetrics();
          String[] lines = crop.caption().split("\n");
          for (int l = 0; l < lines.length; l++) {
            g.drawString(
                lines[l],
                x + (side - fm.stringWidth(lines[l])) / 2,
                y + side + (l + 1) * fm.getAscent() + 2);
          }
        }
      }
    } finally {
      g.dispose();
    }
    return sheet;
  }
}
