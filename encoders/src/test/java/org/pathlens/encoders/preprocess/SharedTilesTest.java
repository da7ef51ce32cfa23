package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Extra check on real tiles from ../shared/data/tiles (crc-he H&amp;E TIFFs, qc-tiles RGBA PNGs of
 * many sizes): the uint8 crops must hash to what torchvision + Pillow produced (index.json
 * "sharedImages"). Skipped where ../shared is absent; the tiles are never copied into the
 * repository.
 */
class SharedTilesTest {

  @Test
  void realTilesMatchTorchvisionBitForBit() throws Exception {
    Optional<Path> shared = GoldenFiles.shared();
    assumeTrue(
        shared.isPresent(), "../shared (or $PATHLENS_SHARED) not found: real-tile check skipped");
    JsonNode index = GoldenFiles.index();
    ImageDecoder decoder = new ImageDecoder(50_000_000L);
    var clip = new ImagePreprocessor(GoldenFiles.config(index.get("configs").get("clip224")));
    var imagenet =
        new ImagePreprocessor(GoldenFiles.config(index.get("configs").get("imagenet224")));
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    for (JsonNode entry : index.get("sharedImages")) {
      Path file = shared.get().resolve(entry.get("path").asText());
      if (!Files.exists(file)) {
        continue;
      }
      RgbImage image = decoder.decode(file);
      assertEquals(entry.get("width").asInt(), image.width(), file.toString());
      if (!entry
          .get("clip224Sha256")
          .asText()
          .equals(PreprocessGoldenTest.sha256(clip.resizeAndCrop(image).rgb()))) {
        mismatches.add(file + " clip224");
      }
      if (!entry
          .get("imagenet224Sha256")
          .asText()
          .equals(PreprocessGoldenTest.sha256(imagenet.resizeAndCrop(image).rgb()))) {
        mismatches.add(file + " imagenet224");
      }
      checked++;
    }
    assumeTrue(checked > 0, "no shared tiles listed in index.json are present");
    System.out.println(
        "shared tiles: "
            + checked
            + " images x 2 configs checked, "
            + mismatches.size()
            + " mismatches");
    assertTrue(mismatches.isEmpty(), "differ from torchvision: " + mismatches);
  }
}
