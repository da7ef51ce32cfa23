package org.pathlens.prompts.slides;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.Classifier;
import org.pathlens.prompts.ScaledClassifier;

/**
 * Classifies what an index holds, from the stored embeddings (no image is decoded or encoded
 * again): tile by tile, or slide by slide with MI-Zero/CONCH pooling. The command line and the
 * server both call these.
 */
public final class IndexClassifier {

  private IndexClassifier() {}

  /** Every tile passing {@code filter}, classified, in tile id order. */
  public static List<TileClassification> tiles(
      TileIndex index, TileFilter filter, Classifier classifier) throws IOException {
    List<TileClassification> results = new ArrayList<>();
    index.forEachTile(
        filter,
        tile ->
            results.add(
                new TileClassification(tile.record(), classifier.classify(tile.embedding()))));
    results.sort(Comparator.comparing(r -> r.tile().id()));
    return results;
  }

  /**
   * The tiles of one slide, classified, in tile id order.
   *
   * @throws IllegalArgumentException when the index has no tile of that slide
   */
  public static List<TileClassification> slide(
      TileIndex index, String slideId, Classifier classifier) throws IOException {
    return slide(index, slideId, TileFilter.ALL, classifier);
  }

  /**
   * The tiles of one slide that pass {@code filter} (those of a region class, say), classified, in
   * tile id order.
   *
   * @throws IllegalArgumentException when the index has no such tile, naming the filter
   */
  public static List<TileClassification> slide(
      TileIndex index, String slideId, TileFilter filter, Classifier classifier)
      throws IOException {
    List<TileClassification> tiles =
        tiles(index, TileFilter.slide(slideId).and(filter), classifier);
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException(
          "no tiles of slide '"
              + slideId
              + "'"
              + (filter.keepsAll() ? "" : " passing " + filter)
              + " in index "
              + index.location());
    }
    return tiles;
  }

  /**
   * One result per slide among the tiles passing {@code filter}, in slide id order. Tiles without a
   * slide id (loose tile files) belong to no slide and are left out. Each tile's class scores
   * (cosines for zero-shot and prototype classifiers, logits for a linear probe) are pooled per
   * class by {@code pooling}, and the pooled scores go through the classifier's own softmax.
   */
  public static List<SlideClassification> slides(
      TileIndex index, TileFilter filter, ScaledClassifier classifier, SlidePooling pooling)
      throws IOException {
    // Only the C scores of each tile are kept, not its embedding: a whole index fits.
    Map<String, List<float[]>> cosines = new TreeMap<>();
    index.forEachTile(
        filter,
        tile -> {
          String slide = tile.record().slideId();
          if (slide != null) {
            cosines
                .computeIfAbsent(slide, s -> new ArrayList<>())
                .add(classifier.classify(tile.embedding()).scores());
          }
        });
    List<SlideClassification> slides = new ArrayList<>();
    cosines.forEach(
        (slide, tiles) -> {
          // Pooling is order-free (per class, a mean of the largest values), so segment order is
          // harmless.
          ClassProbabilities result =
              pooling.classify(
                  tiles.toArray(float[][]::new), classifier.classIds(), classifier.softmaxScale());
          slides.add(
              new SlideClassification(slide, result, tiles.size(), pooling.label(tiles.size())));
        });
    return slides;
  }
}
