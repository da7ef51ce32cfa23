package org.pathlens.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.slides.SlideViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens heatmap}: a class's zero-shot probability per tile over a slide's thumbnail. */
@Command(
    name = "heatmap",
    mixinStandardHelpOptions = true,
    header = "Draw one class's probabilities over a slide's thumbnail.",
    description = {
      "Draw one class's zero-shot probability per tile of an indexed slide over the slide's thumbnail (PNG, viridis,",
      "with a colour bar), and optionally each class's most probable tiles as a contact sheet. Tiles come from the",
      "index (their stored embeddings and level-0 x/y); pixels from the slide file the tiles record as their source."
    },
    footer = {
      "%nExample:",
      "  ./pathlens heatmap --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --prompts demo-crc9 --slide slide --class TUM --out /tmp/pl/heatmap.png \\",
      "      --contact-sheet /tmp/pl/sheet.png --top 4"
    })
final class HeatmapCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Mixin ModelOptions model;

  @Mixin IndexOption index;

  @Mixin ClassifierChoiceOption choice;

  @Option(
      names = "--slide",
      required = true,
      paramLabel = "ID",
      description = "The slide id, as the index records it.")
  String slideId;

  @Option(
      names = "--class",
      required = true,
      paramLabel = "C",
      description =
          "The class id to draw (one of the prompt set's, or NAME or 'not NAME' of a --classifier).")
  String classId;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.png",
      description = "Where to write the heatmap.")
  Path out;

  @Option(
      names = "--thumbnail-size",
      paramLabel = "PX",
      description = "Longer side of the slide thumbnail (default: ${DEFAULT-VALUE}).")
  int thumbnailSize = 1024;

  @Option(
      names = "--contact-sheet",
      paramLabel = "FILE.png",
      description = "Also write the most probable tiles of every class here.")
  Path contactSheet;

  @Option(
      names = "--top",
      paramLabel = "N",
      description = "Tiles per class on the contact sheet (default: ${DEFAULT-VALUE}).")
  int top = 8;

  @Option(
      names = "--crop-size",
      paramLabel = "PX",
      description = "Side of each contact-sheet tile (default: ${DEFAULT-VALUE}).")
  int cropSize = 128;

  @Mixin RegionClassOption regionClass;

  @Mixin CacheOption cache;

  @Mixin AllowPartialOption partial;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut(); // not out: that is the --out path
    ClassEmbeddingCache classEmbeddings = ClassEmbeddingCache.inDirectory(cache.directory());
    choice.check();
    if (choice.file != null) {
      requireClass(choice.promptSet().classIds()); // before the model loads
    }
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(model.bundle, model.toEncoderOptions());
        TileIndex opened =
            TileIndex.openForSearch(
                index.location, IndexProvenance.of(vlm), IndexSettings.defaults())) {
      TileIndex tiles = partial.reading(opened);
      partial.requireSlideSeen(tiles, slideId);
      requireClass(choice.classIds(tiles));
      ScaledClassifier classifier = choice.classifier(tiles, vlm, classEmbeddings);
      try (SlideViews views =
          SlideViews.open(
              tiles,
              slideId,
              regionClass.restrict(TileFilter.ALL, tiles),
              classifier,
              vlm.bundle().config().image().size())) {
        write(views.heatmap(classId, thumbnailSize), out);
        stdout.println(
            "heatmap: "
                + out
                + " ("
                + views.tiles().size()
                + " tiles of slide "
                + slideId
                + ", class "
                + classId
                + (regionClass.given() ? ", region class " + regionClass.regionClass : "")
                + ")");
        if (contactSheet != null) {
          write(views.contactSheet(top, cropSize), contactSheet);
          stdout.println("contact sheet: " + contactSheet + " (top " + top + " tiles per class)");
        }
        partial.report(spec);
      }
    }
    return 0;
  }

  private void requireClass(List<String> classIds) {
    if (!classIds.contains(classId)) {
      throw new IllegalArgumentException(
          "--class "
              + classId
              + " is not in "
              + choice.describe()
              + "; its classes: "
              + String.join(", ", classIds));
    }
  }

  private static void write(BufferedImage image, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer in this JDK for " + file);
    }
  }
}
