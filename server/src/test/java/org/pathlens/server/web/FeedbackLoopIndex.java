package org.pathlens.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.server.ServedIndex;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * The index the relevance-feedback browser test serves: enough labelled tiles of every class for
 * marks to mean something ({@value #PER_CLASS} generated tiles per class, one center) and the
 * {@link ServedIndex}'s generated slide {@value ServedIndex#SLIDE}, whose tiles' true classes are
 * the generator's regions at their centres.
 */
final class FeedbackLoopIndex {

  /** Labelled tiles per class. */
  static final int PER_CLASS = 8;

  private FeedbackLoopIndex() {}

  /** The served index's slide file (its regions sidecar beside it). */
  static Path slide(ServedIndex shared) {
    return shared.indexDir().resolveSibling("slides").resolve(ServedIndex.SLIDE + ".tiff");
  }

  /** Builds the index in {@code dir}/index and returns its directory. */
  static Path build(ServedIndex shared, Path dir) throws IOException {
    Path tiles = dir.resolve("tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(PER_CLASS, 1, 5, 224, 2)).manifest();
    Path index = dir.resolve("index");
    try (VisionLanguageModel model =
            VisionLanguageModel.load(
                Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
        TileIndex out =
            TileIndex.open(index, IndexProvenance.of(model), IndexSettings.defaults())) {
      new TileFolderIngest(model.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 16, 2)
          .ingest(tiles, manifest, out, IngestListener.NONE);
      new SlideIngest(
              model.images(),
              TilingOptions.defaults(),
              TissueDetector.defaults(),
              16,
              2,
              SlideIngest.DEFAULT_THUMBNAIL_SIZE)
          .ingest(List.of(slide(shared)), out, IngestListener.NONE);
    }
    return index;
  }

  /**
   * What a hit shows: its label, or for a tile of the slide the generator's class at its centre.
   */
  static String classOf(JsonNode hit, RegionTruth truth) {
    if (hit.hasNonNull("label")) {
      return hit.get("label").asText();
    }
    double half = TilingOptions.defaults().tileSize() / 2.0;
    String c = truth.classAt(hit.get("x").asDouble() + half, hit.get("y").asDouble() + half);
    return c == null ? "?" : c;
  }
}
