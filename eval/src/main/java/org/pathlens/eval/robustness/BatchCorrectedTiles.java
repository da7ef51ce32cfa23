package org.pathlens.eval.robustness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.index.batch.BatchCorrection;
import org.pathlens.index.batch.ComBat;

/**
 * Evaluated tiles with ComBat-corrected embeddings ({@link ComBat}, batches = centers, the {@code
 * site} column), so a config can measure what batch correction does to its metrics. Labels are
 * never used. Which tiles estimate the parameters:
 *
 * <ul>
 *   <li>{@link Reference#EVALUATED}: the evaluated tiles themselves. Transductive: each tile's own
 *       embedding shapes the correction applied to it (as when an index is fitted on its own
 *       tiles);
 *   <li>{@link Reference#CROSS_FIT}: each center's slides are split in two folds (sorted slide ids,
 *       alternately); a tile is corrected with parameters fitted on the other fold only, so no tile
 *       is corrected by a fit that saw its slide.
 * </ul>
 *
 * With {@code referenceSites}, only those centers are fitted: tiles of the others stay raw, as
 * tiles of an unseen center do in a corrected index.
 */
public final class BatchCorrectedTiles {

  /** Which tiles the ComBat parameters are estimated on. */
  public enum Reference {
    EVALUATED("evaluated"),
    CROSS_FIT("cross_fit");

    private final String id;

    Reference(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Reference parse(String text) {
      for (Reference r : values()) {
        if (r.id.equals(text)) {
          return r;
        }
      }
      throw new IllegalArgumentException("\"" + text + "\" is not evaluated or cross_fit");
    }
  }

  /**
   * @param combat the ComBat method and smallest fitted center
   * @param reference which tiles estimate the parameters
   * @param referenceSites centers to fit; empty: every center
   */
  public record Options(ComBat.Options combat, Reference reference, List<String> referenceSites) {
    public Options {
      referenceSites = List.copyOf(referenceSites);
    }

    /** A short description for reports: {@code ComBat (combat, cross_fit)}. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "ComBat %s by site, %s%s",
          combat.method().id(),
          reference.id(),
          referenceSites.isEmpty() ? "" : " on " + String.join(", ", referenceSites));
    }
  }

  /**
   * @param tiles the tiles, in the same order, with corrected embeddings where a fit covered their
   *     center
   * @param corrected how many tiles were corrected (the rest stayed raw)
   */
  public record Result(EmbeddedTiles tiles, int corrected) {}

  private BatchCorrectedTiles() {}

  public static Result apply(EmbeddedTiles tiles, Options options) {
    int n = tiles.size();
    for (LabelledTiles.Tile tile : tiles.tiles()) {
      if (tile.site() == null) {
        throw new IllegalArgumentException(
            "batch correction by site needs the site of every tile; " + tile.file() + " has none");
      }
    }
    int[] fold = options.reference() == Reference.CROSS_FIT ? folds(tiles) : new int[n];
    int folds = options.reference() == Reference.CROSS_FIT ? 2 : 1;
    List<float[]> out = new ArrayList<>(tiles.embeddings());
    int corrected = 0;
    for (int f = 0; f < folds; f++) {
      // Fit on the reference tiles of the other fold (cross-fit) or of all tiles, apply to this
      // fold.
      List<float[]> samples = new ArrayList<>();
      List<String> batches = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        boolean inReference = folds == 1 || fold[i] != f;
        String site = tiles.tiles().get(i).site();
        if (inReference
            && (options.referenceSites().isEmpty() || options.referenceSites().contains(site))) {
          samples.add(tiles.embeddings().get(i));
          batches.add(site);
        }
      }
      if (samples.isEmpty()) {
        throw new IllegalArgumentException(
            "batch correction: no evaluated tile is from the reference sites "
                + options.referenceSites());
      }
      BatchCorrection fit = ComBat.fit("site", samples, batches, options.combat()).correction();
      for (int i = 0; i < n; i++) {
        String site = tiles.tiles().get(i).site();
        if (fold[i] == f && fit.covers(site)) {
          out.set(i, fit.apply(tiles.embeddings().get(i), site));
          corrected++;
        }
      }
    }
    return new Result(new EmbeddedTiles(tiles.tiles(), List.copyOf(out)), corrected);
  }

  /**
   * Per tile 0 or 1: each center's slides (or tiles, without slides) in sorted order, alternately.
   */
  private static int[] folds(EmbeddedTiles tiles) {
    Map<String, TreeSet<String>> slidesBySite = new TreeMap<>();
    for (LabelledTiles.Tile t : tiles.tiles()) {
      slidesBySite.computeIfAbsent(t.site(), s -> new TreeSet<>()).add(unit(t));
    }
    Map<String, Integer> foldOf = new TreeMap<>();
    slidesBySite.forEach(
        (site, slides) -> {
          int k = 0;
          for (String slide : slides) {
            foldOf.put(site + "\u0000" + slide, k++ % 2);
          }
        });
    int[] fold = new int[tiles.size()];
    for (int i = 0; i < fold.length; i++) {
      LabelledTiles.Tile t = tiles.tiles().get(i);
      fold[i] = foldOf.get(t.site() + "\u0000" + unit(t));
    }
    return fold;
  }

  private static String unit(LabelledTiles.Tile t) {
    return t.group() != null ? t.group() : t.file().toString();
  }
}
