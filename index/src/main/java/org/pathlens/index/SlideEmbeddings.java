package org.pathlens.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pathlens.encoders.Embeddings;

/**
 * Whole-slide embeddings: the mean of a slide's unit tile embeddings, normalised again. The
 * alternative to {@link SlideSimilarity} for similar cases: one vector per slide, so it compares
 * slides as wholes (what mostly fills them), where the tile-matching score finds a slide that
 * shares even a small region with the query.
 */
public final class SlideEmbeddings {

  /** A slide's embedding and how many tiles went into it. */
  public record SlideEmbedding(String slideId, float[] embedding, int tiles) {}

  private final Map<String, SlideEmbedding> bySlide;

  private SlideEmbeddings(Map<String, SlideEmbedding> bySlide) {
    this.bySlide = bySlide;
  }

  /**
   * Reads every tile of {@code index} once (its stored vectors, not the graph) and averages per
   * slide; tiles without a slide id are left out. Costs one pass over the index per call.
   */
  public static SlideEmbeddings of(TileIndex index) throws IOException {
    // The one definition of a slide's mean: the one stored slide vectors are made by.
    Map<String, SlideEmbedding> bySlide = new TreeMap<>();
    for (SlideVector slide : SlidePooling.mean(index, TileFilter.ALL)) {
      bySlide.put(
          slide.slideId(), new SlideEmbedding(slide.slideId(), slide.embedding(), slide.tiles()));
    }
    return new SlideEmbeddings(bySlide);
  }

  public int size() {
    return bySlide.size();
  }

  /**
   * The embedding of {@code slideId}; an error naming the slide when the index has no tile of it.
   */
  public SlideEmbedding get(String slideId) {
    SlideEmbedding slide = bySlide.get(slideId);
    if (slide == null) {
      throw new IllegalArgumentException("no tiles of slide '" + slideId + "' in the index");
    }
    return slide;
  }

  /**
   * Slides by cosine between their embedding and {@code query}, best first, ties by slide id,
   * leaving out {@code excludeSlideId} (or none). {@link SlideHit#matchedTiles()} is the number of
   * tiles averaged into the slide's embedding.
   */
  public List<SlideHit> rank(float[] query, String excludeSlideId, int k) {
    List<SlideHit> hits = new ArrayList<>();
    for (SlideEmbedding slide : bySlide.values()) {
      if (!slide.slideId().equals(excludeSlideId)) {
        hits.add(
            new SlideHit(slide.slideId(), Embeddings.dot(query, slide.embedding()), slide.tiles()));
      }
    }
    hits.sort(
        Comparator.comparingDouble((SlideHit h) -> -h.score()).thenComparing(SlideHit::slideId));
    return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
  }
}
