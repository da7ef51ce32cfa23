package org.pathlens.index.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * A query refined by the tiles a user marked relevant and not relevant: Rocchio's relevance
 * feedback on embeddings, {@code q' = α·q + β·mean(relevant) − γ·mean(not relevant)}, scaled to
 * unit length so that its scores stay cosines. The defaults α = 1, β = 0.75, γ = 0.15 are the ones
 * Manning, Raghavan and Schütze give as reasonable in <i>Introduction to Information Retrieval</i>
 * (2008), §9.1.1: positive feedback weighs more than negative, since the tiles a user rejects
 * scatter while the ones they accept gather.
 *
 * <p>The marked tiles' embeddings are read from the index by id (the vectors searches see, batch
 * correction applied), as similar-by-tile reads its query. In the refined ranking the tiles marked
 * not relevant are left out (the user has already said they are not wanted), and the tiles marked
 * relevant stay wherever the refined query ranks them, so a user sees that they still match.
 *
 * @param alpha the weight of the original query
 * @param beta the weight of the relevant tiles' mean
 * @param gamma the weight of the not-relevant tiles' mean, subtracted
 */
public record RelevanceFeedback(double alpha, double beta, double gamma) {

  /** Manning, Raghavan and Schütze's weights (IIR §9.1.1). */
  public static final RelevanceFeedback ROCCHIO = new RelevanceFeedback(1.0, 0.75, 0.15);

  /** The most tiles one list may mark: enough for a results page, a bound on the reads. */
  public static final int MAX_MARKED = 200;

  /** JSON fields, and the names refusals give. */
  public static final String RELEVANT = "relevant";

  public static final String NOT_RELEVANT = "not_relevant";

  /**
   * A refusal naming the field of the request at fault ({@code text}, {@code tile}, {@link
   * #RELEVANT}, {@link #NOT_RELEVANT}).
   */
  public static final class FeedbackException extends IllegalArgumentException {
    private final String field;

    FeedbackException(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /**
   * The refined ranking and how it was made.
   *
   * @param hits the tiles nearest to the refined query, best first, those marked not relevant left
   *     out
   * @param query the refined query (unit length)
   * @param excluded how many of the not-relevant tiles would have ranked among {@code hits}
   */
  public record Refined(List<SearchHit> hits, float[] query, int excluded) {}

  /**
   * {@code α·query + β·mean(relevant) − γ·mean(notRelevant)}, unit length, summed in double.
   *
   * @param query the original query, or null when there is none (the relevant tiles alone)
   * @throws FeedbackException when there is neither a query nor a relevant tile, or the terms
   *     cancel out
   */
  public float[] refine(float[] query, List<float[]> relevant, List<float[]> notRelevant) {
    if (query == null && relevant.isEmpty()) {
      throw new FeedbackException(
          RELEVANT, "nothing to refine: give a text or a tile, or mark at least one tile relevant");
    }
    int dim = query != null ? query.length : relevant.getFirst().length;
    double[] sum = new double[dim];
    if (query != null) {
      add(sum, query, alpha);
    }
    for (float[] tile : relevant) {
      add(sum, tile, beta / relevant.size());
    }
    for (float[] tile : notRelevant) {
      add(sum, tile, -gamma / notRelevant.size());
    }
    double norm = 0;
    for (double v : sum) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 1e-6)) {
      throw new FeedbackException(
          NOT_RELEVANT,
          "the marks cancel the query out (the refined query has no direction): mark fewer tiles"
              + " not relevant");
    }
    float[] refined = new float[dim];
    for (int i = 0; i < dim; i++) {
      refined[i] = (float) (sum[i] / norm);
    }
    return refined;
  }

  /**
   * The {@code k} tiles nearest to the query refined by the marked tiles, among those passing
   * {@code filter}, the ones marked not relevant left out.
   *
   * @param query the original query's embedding, or null
   * @throws FeedbackException for a tile id the index does not hold, a tile in both lists, too many
   *     marks, or nothing to refine
   */
  public Refined search(
      TileIndex index,
      float[] query,
      List<String> relevant,
      List<String> notRelevant,
      int k,
      TileFilter filter)
      throws IOException {
    Set<String> yes = distinct(RELEVANT, relevant);
    Set<String> no = distinct(NOT_RELEVANT, notRelevant);
    for (String id : yes) {
      if (no.contains(id)) {
        throw new FeedbackException(
            NOT_RELEVANT,
            "tile '" + id + "' is marked both relevant and not relevant: keep it in one list");
      }
    }
    float[] refined =
        refine(query, embeddings(index, RELEVANT, yes), embeddings(index, NOT_RELEVANT, no));
    List<SearchHit> found = index.search(refined, k + no.size(), filter);
    List<SearchHit> kept = new ArrayList<>();
    int excluded = 0;
    for (SearchHit hit : found) {
      if (no.contains(hit.id())) {
        excluded++;
      } else if (kept.size() < k) {
        kept.add(hit);
      }
    }
    return new Refined(List.copyOf(kept), refined, excluded);
  }

  private static Set<String> distinct(String field, List<String> ids) {
    if (ids.size() > MAX_MARKED) {
      throw new FeedbackException(
          field, "at most " + MAX_MARKED + " tiles in " + field + ", got " + ids.size());
    }
    return new LinkedHashSet<>(ids);
  }

  /** The stored embeddings of {@code ids}, in order; an id the index lacks is refused. */
  private static List<float[]> embeddings(TileIndex index, String field, Set<String> ids)
      throws IOException {
    Map<String, float[]> found = new LinkedHashMap<>();
    for (String id : ids) {
      index.forEachTile(TileFilter.id(id), tile -> found.put(tile.record().id(), tile.embedding()));
      if (!found.containsKey(id)) {
        throw new FeedbackException(
            field, "no tile '" + id + "' in the index (" + field + "): mark tiles of this index");
      }
    }
    return new ArrayList<>(found.values());
  }

  private static void add(double[] sum, float[] v, double weight) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += weight * v[i];
    }
  }
}
