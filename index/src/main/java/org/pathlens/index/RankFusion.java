package org.pathlens.index;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a tile scores {@code Σ 1 / (60
 * + rank)} over the rankings it appears in (rank from 1). It needs no score calibration, which
 * matters here because cosines (about 0.2–0.9) and BM25 scores (unbounded, corpus-dependent) are on
 * unrelated scales; 60 is the paper's constant, which damps the weight of the very first ranks so
 * that a tile near the top of both lists beats one first in only one.
 */
final class RankFusion {

  static final int RRF_K = 60;

  /** How deep each ranking is read before fusing. */
  static final int DEPTH = 100;

  private RankFusion() {}

  /** The {@code k} best tiles by fused score; ties by id. */
  static List<SearchHit> fuse(List<List<SearchHit>> rankings, int k) {
    Map<String, Float> scores = new LinkedHashMap<>();
    Map<String, TileRecord> tiles = new LinkedHashMap<>();
    for (List<SearchHit> ranking : rankings) {
      for (int rank = 1; rank <= ranking.size(); rank++) {
        SearchHit hit = ranking.get(rank - 1);
        scores.merge(hit.id(), 1f / (RRF_K + rank), Float::sum);
        tiles.putIfAbsent(hit.id(), hit.tile());
      }
    }
    List<SearchHit> fused = new ArrayList<>();
    scores.forEach((id, score) -> fused.add(new SearchHit(id, score, tiles.get(id))));
    fused.sort(SearchHit.RANKING);
    return fused.subList(0, Math.min(k, fused.size()));
  }
}
