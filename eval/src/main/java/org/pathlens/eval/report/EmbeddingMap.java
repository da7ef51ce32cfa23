package org.pathlens.eval.report;

import java.util.List;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.projection.Pca;

/**
 * The tiles' image embeddings projected to 2-D by PCA, with each tile's class and center to colour
 * them by: classes that form separate clouds are what a classifier needs; centers that do are the
 * batch effect PathoROB measures.
 *
 * @param method how the points were made, e.g. {@code PCA}
 * @param points per tile, its first two principal coordinates
 * @param explainedVariance the variance along each axis
 * @param explainedVarianceRatio each axis's share of the total variance
 * @param classes per tile, its class
 * @param centers per tile, its center; null when any tile has none
 */
public record EmbeddingMap(
    String method,
    double[][] points,
    double[] explainedVariance,
    double[] explainedVarianceRatio,
    List<String> classes,
    List<String> centers) {

  /** The PCA map of the tiles; null for fewer than 3 tiles, where a map shows nothing. */
  public static EmbeddingMap pca(EmbeddedTiles tiles) {
    if (tiles.size() < 3) {
      return null;
    }
    Pca pca = Pca.fit(tiles.embeddings(), 2);
    List<String> centers = tiles.tiles().stream().map(LabelledTiles.Tile::site).toList();
    boolean allHaveCenters = centers.stream().allMatch(c -> c != null && !c.isBlank());
    return new EmbeddingMap(
        "PCA",
        pca.transform(tiles.embeddings()),
        pca.explainedVariance(),
        pca.explainedVarianceRatio(),
        tiles.labels(),
        allHaveCenters ? centers : null);
  }
}
