package org.pathlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stain contact sheets: one sheet per tissue, five center rows each, nothing else left behind.
 */
class StainContactSheetsTest {

  @TempDir Path out;

  @Test
  void writesOneSheetPerTissueAndLeavesNothingElse() throws Exception {
    List<Path> sheets = StainContactSheets.write(out, Optional.empty());
    assertEquals(
        List.of("generated-TUM.png", "generated-NORM.png", "generated-STR.png"),
        sheets.stream().map(p -> p.getFileName().toString()).toList());
    for (Path sheet : sheets) {
      BufferedImage image = ImageIO.read(sheet.toFile());
      // Five rows (centers) of five crops (decoded, Reinhard, Macenko, two HED views) of 160 px.
      assertTrue(image.getWidth() >= 5 * 160 && image.getHeight() >= 5 * 160, sheet.toString());
    }
    try (var files = Files.list(out)) {
      assertEquals(3, files.count(), "only the sheets");
    }
  }
}
