package org.pathlens.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.stain.StainAugmentation;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.encoders.preprocess.stain.StainNormalization;
import org.pathlens.encoders.preprocess.stain.StainTargets;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.prompts.slides.ContactSheetPlot;

/**
 * Before/after contact sheets for looking at what stain handling does: one generated tile per
 * center of three tissues, and, where {@code ../shared} is present, its multistain images, each as
 * decoded, Reinhard- and Macenko-normalised toward the default targets, and two HED-jittered views.
 * Written by {@code pathlens bench stain --contact-sheets DIR}.
 */
public final class StainContactSheets {

  private static final ImageDecoder DECODER = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

  private StainContactSheets() {}

  /** Writes the sheets (PNG) into {@code out}; returns the files written. */
  public static List<Path> write(Path out, Optional<Path> shared) throws IOException {
    Files.createDirectories(out);
    List<Path> written = new ArrayList<>();
    Path tiles = Files.createTempDirectory("pathlens-stain-sheets-");
    SyntheticTiles.write(tiles, 1, 5, 2026);
    for (String tissue : List.of("TUM", "NORM", "STR")) {
      List<ContactSheetPlot.Row> rows = new ArrayList<>();
      for (String center : List.of("center-a", "center-b", "center-c", "center-d", "center-e")) {
        Path file;
        try (var files = Files.list(tiles.resolve("tiles").resolve(center).resolve(tissue))) {
          file = files.sorted().findFirst().orElseThrow();
        }
        rows.add(row(center, DECODER.decode(file)));
      }
      write(
          rows,
          160,
          "Generated "
              + tissue
              + " tiles (seed 2026): decoded, normalised toward the default targets, HED views",
          out.resolve("generated-" + tissue + ".png"));
      written.add(out.resolve("generated-" + tissue + ".png"));
    }
    WorkFolders.delete(tiles);
    if (shared.isPresent()) {
      List<ContactSheetPlot.Row> rows = new ArrayList<>();
      Path multistain = shared.get().resolve("data/multistain");
      for (String name :
          List.of(
              "lung-lesion_3/images_scale-5pc/29-041-Izd2-w35-He-les3.jpg",
              "lung-lesion_3/images_scale-5pc/29-041-Izd2-w35-Ki67-7-les3.jpg",
              "lung-lesion_3/images_scale-5pc/29-041-Izd2-w35-CD31-3-les3.jpg",
              "birl-samples/rat-kidney_/scale-5pc/Rat-Kidney_HE.jpg")) {
        Path file = multistain.resolve(name);
        String label =
            file.getFileName()
                .toString()
                .replaceAll("^29-041-Izd2-w35-|-les3|\\.jpg$|Rat-Kidney_", "");
        rows.add(row(label, centerCrop(DECODER.decode(file), 400)));
      }
      write(
          rows,
          200,
          "../shared multistain (centre 400 px): decoded, Reinhard, Macenko, HED views",
          out.resolve("multistain.png"));
      written.add(out.resolve("multistain.png"));
    }
    return written;
  }

  private static ContactSheetPlot.Row row(String label, RgbImage image) {
    List<ContactSheetPlot.Crop> crops = new ArrayList<>();
    crops.add(new ContactSheetPlot.Crop(toImage(image), "decoded"));
    for (StainMethod method : List.of(StainMethod.REINHARD, StainMethod.MACENKO)) {
      RgbImage normalised =
          StainNormalization.toward(StainTargets.defaultFor(method), StainFit.TILE)
              .normalize(image);
      crops.add(
          new ContactSheetPlot.Crop(
              toImage(normalised), method.id() + (normalised == image ? " (unchanged)" : "")));
    }
    List<RgbImage> views = new StainAugmentation(2, 0.2, 0.2, 0).views(image);
    for (int v = 0; v < views.size(); v++) {
      crops.add(new ContactSheetPlot.Crop(toImage(views.get(v)), "HED view " + (v + 1) + " (0.2)"));
    }
    return new ContactSheetPlot.Row(label, crops);
  }

  private static void write(List<ContactSheetPlot.Row> rows, int side, String title, Path file)
      throws IOException {
    ImageIO.write(ContactSheetPlot.render(rows, side, title), "png", file.toFile());
  }

  private static RgbImage centerCrop(RgbImage image, int side) {
    int w = Math.min(side, image.width()), h = Math.min(side, image.height());
    int x0 = (image.width() - w) / 2, y0 = (image.height() - h) / 2;
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      System.arraycopy(image.rgb(), ((y0 + y) * image.width() + x0) * 3, out, y * w * 3, w * 3);
    }
    return new RgbImage(w, h, out);
  }

  private static BufferedImage toImage(RgbImage image) {
    BufferedImage out =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    byte[] rgb = image.rgb();
    for (int y = 0, p = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++, p += 3) {
        out.setRGB(x, y, (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8 | (rgb[p + 2] & 0xFF));
      }
    }
    return out;
  }
}
