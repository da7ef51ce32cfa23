package org.pathlens.eval.classify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.ImageFileEmbedder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.Classifier;

/**
 * Labelled tiles with their image embeddings: embedded once, then classified by as many classifiers
 * (zero-shot, ablated prompt sets, few-shot probes) as an evaluation needs.
 *
 * @param tiles the tiles that could be embedded, in CSV order
 * @param embeddings unit-norm, one per tile
 */
public record EmbeddedTiles(List<LabelledTiles.Tile> tiles, List<float[]> embeddings) {

  /**
   * Embeds every tile; unreadable ones go to {@code onSkipped} (with the reason) and are left out.
   */
  public static EmbeddedTiles embed(
      LabelledTiles labelled,
      VisionLanguageModel model,
      int batchSize,
      Consumer<String> onSkipped) {
    return embed(labelled, model.images(), batchSize, onSkipped);
  }

  /**
   * Embeds every tile with {@code encoder}, e.g. {@code model.images().withStain(options)} for
   * stain normalisation or test-time augmentation; normalisation fitted per slide groups tiles by
   * their group column ({@code slide_id}). Unreadable tiles go to {@code onSkipped} and are left
   * out.
   */
  public static EmbeddedTiles embed(
      LabelledTiles labelled, ImageEncoder encoder, int batchSize, Consumer<String> onSkipped) {
    Map<Path, float[]> byFile = new HashMap<>();
    Map<Path, String> slides = new HashMap<>();
    for (LabelledTiles.Tile tile : labelled.tiles()) {
      if (tile.group() != null) {
        slides.putIfAbsent(tile.file(), tile.group());
      }
    }
    List<Path> files = labelled.tiles().stream().map(LabelledTiles.Tile::file).distinct().toList();
    try (ImageFileEmbedder embedder =
        new ImageFileEmbedder(
            encoder, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), batchSize, 2)) {
      embedder.embed(
          files,
          slides::get,
          done -> byFile.put(done.file(), done.embedding()),
          ImageFileEmbedder.failOnNonFinite(skipped -> onSkipped.accept(skipped.reason())));
    }
    List<LabelledTiles.Tile> kept = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    for (LabelledTiles.Tile tile : labelled.tiles()) {
      float[] e = byFile.get(tile.file());
      if (e != null) {
        kept.add(tile);
        embeddings.add(e);
      }
    }
    if (kept.isEmpty()) {
      throw new IllegalArgumentException(
          labelled.csv() + ": none of the " + labelled.tiles().size() + " tiles could be read");
    }
    return new EmbeddedTiles(List.copyOf(kept), List.copyOf(embeddings));
  }

  public int size() {
    return tiles.size();
  }

  public List<String> labels() {
    return tiles.stream().map(LabelledTiles.Tile::label).toList();
  }

  /** The tiles at {@code indices}, in that order. */
  public EmbeddedTiles select(List<Integer> indices) {
    return new EmbeddedTiles(
        indices.stream().map(tiles::get).toList(), indices.stream().map(embeddings::get).toList());
  }

  /** Labels must be classes of the classifier; a label it does not know is an error naming both. */
  public void requireLabelsIn(List<String> classIds, String source) {
    for (LabelledTiles.Tile tile : tiles) {
      if (!classIds.contains(tile.label())) {
        throw new IllegalArgumentException(
            "label \""
                + tile.label()
                + "\" of "
                + tile.file()
                + " is not a class of "
                + source
                + " "
                + classIds);
      }
    }
  }

  /** What {@code classifier} says about every tile, with the truth, ready for the metrics. */
  public Predictions predict(Classifier classifier) {
    List<String> ids = classifier.classIds();
    int n = size();
    int[] truth = new int[n];
    int[] predicted = new int[n];
    float[][] probabilities = new float[n][];
    String[] groups = tiles.stream().allMatch(t -> t.group() != null) ? new String[n] : null;
    for (int i = 0; i < n; i++) {
      ClassProbabilities result = classifier.classify(embeddings.get(i));
      truth[i] = ids.indexOf(tiles.get(i).label());
      predicted[i] = result.predictedIndex();
      probabilities[i] = result.probabilities();
      if (groups != null) {
        groups[i] = tiles.get(i).group();
      }
    }
    return new Predictions(ids, truth, predicted, probabilities, groups);
  }
}
