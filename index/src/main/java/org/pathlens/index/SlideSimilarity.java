package org.pathlens.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Similar cases at slide level, from tile-level nearest neighbours.
 *
 * <p>Definition: for each query tile q (the tiles of the query slide, or a single query image) and
 * each candidate slide S, {@code m(q, S)} is the best cosine between q and a tile of S among q's
 * {@code neighbours} nearest tiles (absent when none of them is in S). The score of S is the mean
 * of its {@code topTiles} largest {@code m(q, S)}, absent values counting as 0, and with {@code
 * topTiles} capped at the number of query tiles. Slides rank by score, then id.
 *
 * <p>Why: a slide is a similar case when several of the query's regions have a close counterpart in
 * it. The max over S's tiles ignores S's unrelated tissue (a mean over all tiles would punish a
 * large slide with a small matching region); averaging the best few query tiles, not one, keeps a
 * single look-alike tile (a fold, a pen mark) from ranking a slide first. With one query tile it
 * reduces to the best tile match. Query slides with many tiles are subsampled evenly, in tile id
 * order, to {@code maxQueryTiles}, so the cost is bounded by {@code maxQueryTiles} graph searches.
 *
 * @param maxQueryTiles query tiles searched at most
 * @param neighbours nearest tiles retrieved per query tile
 * @param topTiles how many query tiles' best matches are averaged
 */
public record SlideSimilarity(int maxQueryTiles, int neighbours, int topTiles) {

  public static final SlideSimilarity DEFAULT = new SlideSimilarity(256, 100, 8);

  /**
   * The nearest tiles of each query vector, best first, each hit with its slide id: one call for
   * all queries, so that an index can batch them.
   */
  interface TileNeighbours {
    List<List<SearchHit>> nearest(List<float[]> queries, int n) throws IOException;
  }

  List<SlideHit> rank(List<float[]> queryTiles, int k, TileNeighbours index) throws IOException {
    List<float[]> queries = subsample(queryTiles);
    Map<String, List<Float>> bestPerSlide = new HashMap<>();
    for (List<SearchHit> nearest : index.nearest(queries, neighbours)) {
      Map<String, Float> best = new HashMap<>();
      for (SearchHit hit : nearest) {
        String slide = hit.tile() == null ? null : hit.tile().slideId();
        if (slide != null) {
          best.merge(slide, hit.score(), Math::max);
        }
      }
      best.forEach(
          (slide, score) -> bestPerSlide.computeIfAbsent(slide, s -> new ArrayList<>()).add(score));
    }
    int averaged = Math.min(topTiles, queries.size());
    List<SlideHit> slides = new ArrayList<>();
    bestPerSlide.forEach(
        (slide, scores) -> {
          scores.sort(Comparator.reverseOrder());
          float sum = 0;
          for (int i = 0; i < Math.min(averaged, scores.size()); i++) {
            sum += scores.get(i);
          }
          slides.add(new SlideHit(slide, sum / averaged, scores.size()));
        });
    slides.sort(
        Comparator.comparingDouble((SlideHit s) -> -s.score()).thenComparing(SlideHit::slideId));
    return slides.subList(0, Math.min(k, slides.size()));
  }

  private List<float[]> subsample(List<float[]> tiles) {
    if (tiles.size() <= maxQueryTiles) {
      return tiles;
    }
    List<float[]> picked = new ArrayList<>(maxQueryTiles);
    for (int i = 0; i < maxQueryTiles; i++) {
      picked.add(tiles.get((int) ((long) i * tiles.size() / maxQueryTiles)));
    }
    return picked;
  }
}
