package org.pathlens.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.testkit.NanBundleImages;

/**
 * A server over a three-tile index built with a test's own bundle (when the shared {@link
 * ServedIndex} of the demo bundle will not do): tissue-like 64 px tiles ingested into {@code
 * dir/index}, served on a free port of 127.0.0.1 without a token, one inference thread.
 */
final class SmallIndexServer {

  private SmallIndexServer() {}

  /**
   * @param prompts a folder of prompt sets, or null for the built-in ones
   */
  static PathLensServer start(Path bundle, Path dir, Path prompts) throws IOException {
    return start(bundle, dir, prompts, IndexLocation.of(dir.resolve("index")));
  }

  /** As {@link #start(Path, Path, Path)}, with the index at {@code location} (a cluster's too). */
  static PathLensServer start(Path bundle, Path dir, Path prompts, IndexLocation location)
      throws IOException {
    Path tiles = Files.createDirectories(dir.resolve("tiles"));
    for (int i = 0; i < 3; i++) {
      ImageIO.write(
          NanBundleImages.tissue(64, 64, i), "png", tiles.resolve("t" + i + ".png").toFile());
    }
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, EncoderOptions.defaults());
        TileIndex index =
            TileIndex.open(location, IndexProvenance.of(model), IndexSettings.defaults())) {
      new TileFolderIngest(model.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 4, 1)
          .ingest(tiles, null, index, IngestListener.NONE);
    }
    return PathLensServer.start(
        new ServerConfig(
            location,
            bundle,
            prompts,
            "127.0.0.1",
            0,
            null,
            1 << 20,
            ImageDecoder.DEFAULT_MAX_PIXELS,
            1,
            4,
            null,
            EncoderOptions.defaults()));
  }
}
