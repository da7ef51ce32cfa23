package org.pathlens.eval.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.pathlens.eval.plots.CenterAccuracyPlot;
import org.pathlens.eval.plots.ConfusionMatrixPlot;
import org.pathlens.eval.plots.ProjectionPlot;
import org.pathlens.eval.plots.ReliabilityPlot;

/** Draws a report's figures and encodes them as PNG, named as they are written beside the page. */
public final class ReportFigures {

  public static final String CONFUSION = "confusion_matrix.png";
  public static final String CONFUSION_NORMALISED = "confusion_matrix_normalised.png";
  public static final String RELIABILITY = "reliability.png";
  public static final String CENTERS = "accuracy_by_center.png";

  /**
   * A figure: its file name, what it shows (the page's caption and the image's alternative text)
   * and the PNG's bytes.
   */
  public record Figure(String file, String caption, byte[] png, int width, int height) {}

  private ReportFigures() {}

  /** The map's files: e.g. {@code pca_by_class.png} and {@code pca_by_center.png}. */
  public static String mapFile(EmbeddingMap map, String colouredBy) {
    return map.method().toLowerCase(Locale.ROOT) + "_by_" + colouredBy + ".png";
  }

  public static List<Figure> render(EvalReport report) {
    List<Figure> out = new ArrayList<>();
    ClassificationDetails c = report.classification();
    String name = report.title();
    if (c != null) {
      long tiles = c.confusion().total();
      out.add(
          figure(
              CONFUSION,
              "Confusion matrix, counts: true class down, prediction across",
              ConfusionMatrixPlot.render(
                  c.confusion(), "Confusion matrix, " + name + " (" + tiles + " tiles)", false)));
      out.add(
          figure(
              CONFUSION_NORMALISED,
              "Confusion matrix, each row divided by its class's tiles (the diagonal is the recall)",
              ConfusionMatrixPlot.render(
                  c.confusion(), "Confusion matrix, row-normalised, " + name, true)));
      out.add(
          figure(
              RELIABILITY,
              "Reliability diagram: accuracy and mean confidence per confidence bin, tiles per bin below",
              ReliabilityPlot.render(
                  c.reliability(),
                  "Reliability, " + name,
                  String.format(
                      Locale.ROOT,
                      "ECE %.4f [%.4f, %.4f], %d equal-width bins, %d tiles",
                      c.ece().estimate(),
                      c.ece().lower(),
                      c.ece().upper(),
                      c.reliability().bins().size(),
                      c.reliability().items()))));
      if (!c.centers().isEmpty()) {
        out.add(
            figure(
                CENTERS,
                "Accuracy per center with 95 % bootstrap intervals; dashed: all tiles",
                CenterAccuracyPlot.render(
                    c.centers().stream()
                        .map(a -> new CenterAccuracyPlot.Point(a.center(), a.tiles(), a.accuracy()))
                        .toList(),
                    c.accuracy(),
                    "Accuracy per center, " + name)));
      }
    }
    EmbeddingMap map = report.map();
    if (map != null) {
      String x = axis(map, 0);
      String y = axis(map, 1);
      out.add(
          figure(
              mapFile(map, "class"),
              map.method() + " of the image embeddings, coloured by class",
              ProjectionPlot.render(
                  map.points(), map.classes(), map.method() + " by class, " + name, x, y)));
      if (map.centers() != null) {
        out.add(
            figure(
                mapFile(map, "center"),
                map.method() + " of the image embeddings, coloured by center",
                ProjectionPlot.render(
                    map.points(), map.centers(), map.method() + " by center, " + name, x, y)));
      }
    }
    return List.copyOf(out);
  }

  private static String axis(EmbeddingMap map, int component) {
    return String.format(
        Locale.ROOT,
        "PC%d (%.1f %% of the variance)",
        component + 1,
        100 * map.explainedVarianceRatio()[component]);
  }

  private static Figure figure(String file, String caption, BufferedImage image) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding " + file + ": " + e.getMessage(), e);
    }
    return new Figure(file, caption, png.toByteArray(), image.getWidth(), image.getHeight());
  }
}
