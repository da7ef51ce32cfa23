package org.pathlens.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pathlens.encoders.EncoderException;
import org.pathlens.encoders.SlideEncoder;
import org.pathlens.encoders.SlideTiles;
import org.pathlens.encoders.bundle.SlideEncoderConfig;
import org.pathlens.index.features.FeatureExport;

/**
 * Slide vectors made by a slide-encoder bundle from what the index stores of each slide: its tiles'
 * raw features (embeddings before any batch correction, or the pre-projection features they were
 * imported from, as the encoder declares), their level-0 positions and the tile side at level 0
 * from the slide record. Stored under the encoder's name, with the metadata all the slide's tiles
 * share.
 *
 * <p>A slide id without a slide record (tiles of a tile folder whose manifest names a slide) has no
 * place on a slide's grid: it is left out and named, as {@code index export} leaves it out. What
 * the contract cannot express of a whole-slide image is refused before anything is written, naming
 * the slide: an index embedded by another model than the encoder takes, features of another length,
 * tiles of another size or µm/px than it declares, tiles without a position, more tiles than its
 * {@code max_tiles}, an output that is not finite. All slides are encoded first, then written at
 * once.
 */
public final class SlideEncoding {

  /**
   * What a run stored and left out.
   *
   * @param vectors the vectors written
   * @param leftOut slide ids without a slide record, each with the reason
   */
  public record Result(List<SlideVector> vectors, List<String> leftOut) {}

  private SlideEncoding() {}

  /**
   * Encodes every slide of {@code index} that has a slide record with {@code encoder} and stores
   * the vectors.
   *
   * @throws IllegalArgumentException naming what the encoder cannot take, or saying that no slide
   *     has a slide record; nothing was written
   */
  public static Result run(TileIndex index, SlideEncoder encoder) throws IOException {
    SlideEncoderConfig config = encoder.bundle().config();
    String method = encoder.name();
    if (method.equals(SlidePooling.MEAN)) {
      throw new IllegalArgumentException(
          encoder.bundle().dir()
              + ": a slide encoder named 'mean' would replace PathLens's own mean of the tiles;"
              + " name it otherwise in model.json");
    }
    requireTilesOfItsModel(index, encoder);
    int[] stored = {-1};
    index.slideVectors().forEach(method, v -> stored[0] = v.embedding().length);
    if (stored[0] >= 0 && stored[0] != config.embeddingDim()) {
      throw new IllegalArgumentException(
          "the index holds slide vectors of method '"
              + method
              + "' of "
              + stored[0]
              + " values; "
              + encoder.bundle().dir()
              + " returns "
              + config.embeddingDim()
              + ": another encoder of the same name? Rename one of them");
    }
    List<SlideVector> vectors = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (SlideVector mean : SlidePooling.mean(index, TileFilter.ALL)) {
      Optional<SlideRecord> record = index.slideRecords().find(mean.slideId());
      if (record.isEmpty()) {
        leftOut.add(
            mean.slideId()
                + ": no slide record (tiles of a tile folder?), so no level-0 grid for a slide"
                + " encoder; ingest it from its slide file (--slides)");
        continue;
      }
      float[] embedding = encode(index, encoder, record.get());
      vectors.add(
          new SlideVector(mean.slideId(), method, embedding, mean.tiles(), mean.metadata()));
    }
    if (vectors.isEmpty()) {
      throw new IllegalArgumentException(
          "no slide of "
              + index.location()
              + " can be encoded"
              + (leftOut.isEmpty()
                  ? ": it holds no tiles with a slide id"
                  : ": slide "
                      + leftOut.getFirst()
                      + (leftOut.size() > 1 ? " (and " + (leftOut.size() - 1) + " more)" : "")));
    }
    index.slideVectors().write(vectors);
    return new Result(vectors, leftOut);
  }

  /** The index's tiles must be the features the encoder was trained on: same model, same length. */
  private static void requireTilesOfItsModel(TileIndex index, SlideEncoder encoder) {
    SlideEncoderConfig.TileFeatures wanted = encoder.bundle().config().tileFeatures();
    String model = index.provenance().bundleName();
    if (!wanted.takesFeaturesOf(model)) {
      throw new IllegalArgumentException(
          "--slide-encoder "
              + encoder.bundle().dir()
              + " takes tile features of "
              + String.join(" / ", wanted.names())
              + " (model.json tile_features); the tiles of "
              + index.location()
              + " were embedded by "
              + model
              + ": features of another model mean nothing to it");
    }
    if (wanted.space() == SlideEncoderConfig.Space.EMBEDDING
        && index.provenance().embeddingDim() != wanted.inputDim()) {
      throw new IllegalArgumentException(
          "--slide-encoder "
              + encoder.bundle().dir()
              + " takes tile embeddings of "
              + wanted.inputDim()
              + " values (tile_features.input_dim); "
              + index.location()
              + " holds embeddings of "
              + index.provenance().embeddingDim());
    }
  }

  /** One slide's tiles, in TRIDENT's export order (y, then x), through the encoder. */
  private static float[] encode(TileIndex index, SlideEncoder encoder, SlideRecord slide)
      throws IOException {
    SlideEncoderConfig config = encoder.bundle().config();
    String slideId = slide.slideId();
    SlideEncoderConfig.TileFeatures wanted = config.tileFeatures();
    if (!wanted.takesTiles(slide.tileSize(), slide.tileMpp())) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "slide %s: tiles of %d px at %.3g µm/px; %s takes tiles of %s px at %s µm/px"
                  + " (model.json tile_features.tile_size, mpp): ingest the slide with"
                  + " --tile-size %s --mpp %s",
              slideId,
              slide.tileSize(),
              slide.tileMpp(),
              encoder.bundle().dir(),
              wanted.tileSize() == null ? "any" : wanted.tileSize(),
              wanted.mpp() == null ? "any" : wanted.mpp(),
              wanted.tileSize() == null ? slide.tileSize() : wanted.tileSize(),
              wanted.mpp() == null ? slide.tileMpp() : wanted.mpp()));
    }
    List<StoredTile> tiles = new ArrayList<>();
    index.forEachRawTile(TileFilter.slide(slideId), tiles::add);
    for (StoredTile tile : tiles) {
      if (tile.record().x() == null || tile.record().y() == null) {
        throw new IllegalArgumentException(
            "slide "
                + slideId
                + ": tile "
                + tile.record().id()
                + " has no level-0 position, which a slide encoder takes with its feature");
      }
      if (config.tileFeatures().space() == SlideEncoderConfig.Space.PRE_PROJECTION
          && tile.feature() == null) {
        throw new IllegalArgumentException(
            "slide "
                + slideId
                + ": tile "
                + tile.record().id()
                + " has no pre-projection feature stored, which "
                + encoder.bundle().dir()
                + " takes (tile_features.space); ingest the slide from TRIDENT's features with"
                + " --feature-space pre-projection");
      }
    }
    if (tiles.size() > config.maxTiles()) {
      throw new IllegalArgumentException(
          "slide "
              + slideId
              + ": "
              + tiles.size()
              + " tiles; "
              + encoder.bundle().dir()
              + " takes at most "
              + config.maxTiles()
              + " (model.json max_tiles)");
    }
    tiles.sort(
        Comparator.comparingInt((StoredTile t) -> t.record().y())
            .thenComparingInt(t -> t.record().x()));
    boolean preProjection =
        config.tileFeatures().space() == SlideEncoderConfig.Space.PRE_PROJECTION;
    float[][] features = new float[tiles.size()][];
    long[][] coords = new long[tiles.size()][];
    for (int i = 0; i < features.length; i++) {
      StoredTile tile = tiles.get(i);
      features[i] = preProjection ? tile.feature() : tile.embedding();
      coords[i] = new long[] {tile.record().x(), tile.record().y()};
    }
    try {
      return encoder.encode(new SlideTiles(features, coords, FeatureExport.patchSizeLevel0(slide)));
    } catch (EncoderException e) {
      throw new IllegalArgumentException("slide " + slideId + ": " + e.getMessage(), e);
    }
  }
}
