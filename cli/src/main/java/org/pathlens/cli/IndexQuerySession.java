package org.pathlens.cli;

import java.io.IOException;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.query.IndexQueries;

/**
 * An index opened for searching with the bundle it was built with, and the encoders loaded only
 * when the query must be embedded. Shared by {@code search} and {@code similar}.
 */
record IndexQuerySession(VisionLanguageModel model, TileIndex index, IndexQueries queries)
    implements AutoCloseable {

  /**
   * @param oversample graph candidates per result (search ef = k × oversample); large collections
   *     need more than the default to keep recall, see docs/tile-index.md
   * @param decoder decodes a query image ({@code --max-pixels})
   */
  static IndexQuerySession open(
      ModelOptions options,
      IndexLocation indexDir,
      boolean embedsQuery,
      float oversample,
      ImageDecoder decoder)
      throws IOException {
    if (!(oversample >= 1)) {
      throw new IllegalArgumentException("--oversample must be at least 1, got " + oversample);
    }
    IndexSettings settings = IndexSettings.defaults().withOversample(oversample);
    ModelBundle bundle = ModelBundle.load(options.bundle);
    VisionLanguageModel model =
        embedsQuery ? VisionLanguageModel.load(bundle, options.toEncoderOptions()) : null;
    try {
      TileIndex index =
          TileIndex.openForSearch(
              indexDir,
              model != null ? IndexProvenance.of(model) : IndexProvenance.of(bundle),
              settings);
      return new IndexQuerySession(model, index, new IndexQueries(index, model, decoder));
    } catch (IOException | RuntimeException e) {
      if (model != null) {
        model.close();
      }
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      index.close();
    } finally {
      if (model != null) {
        model.close();
      }
    }
  }
}
