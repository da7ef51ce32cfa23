package org.pathlens.prompts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.pathlens.encoders.Embeddings;

/**
 * Label-free screening of a prompt set's variants (each class's synonym × template prompts) on a
 * set of unlabelled tile embeddings, after KEEP's {@code zero_shot_prompt_select} (Zhou et al.
 * 2024, "A Knowledge-enhanced Pathology Vision-language Foundation Model for Cancer Diagnosis",
 * github.com/MAGIC-AI4Med/KEEP, {@code WSI_evaluation/utils.py}): rank prompt classifiers by how
 * confidently they separate the tiles' top two classes, keep the best and ensemble those.
 *
 * <p>The criterion, per variant v of class c: the classifier that represents c by v alone and every
 * other class by its full ensemble classifies every tile; the variant's score is the mean over the
 * tiles of the confidence margin p(1st) − p(2nd), probabilities being softmax(logit_scale × cosine)
 * as {@link ZeroShotClassifier} gives them. KEEP takes (top1 − top2) − |top1 + top2 − 1| of the raw
 * cosines of whole prompt sets; with cosines below ½, as CLIP-style models give, that is 2 · top1 −
 * 1, the best cosine, which rewards a generic prompt that raises every cosine. The margin of the
 * probabilities instead drops when a variant pulls other classes' tiles towards its class, and
 * rises when it makes its own tiles more distinct: what screening is for. Scoring one class's
 * variant at a time against the others' full ensembles ranks variants within a class, as issue 30
 * asks, rather than whole prompt sets as KEEP does.
 *
 * <p>Per class the variants are ranked by score, highest first (ties: the earlier variant in the
 * set's synonym-major order), the top {@code ceil(keepFraction × n)} are kept (at least one), and
 * the class embedding is the L2-normalised mean of the kept prompts' embeddings, as {@link
 * PromptEmbeddings#classEmbeddings()} makes it from all of them. Everything is a fixed computation
 * on its inputs: the same tiles give the same result.
 *
 * @param prompts the prompt set screened
 * @param tiles how many tile embeddings the scores are means over
 * @param keepFraction the share of each class's variants kept
 * @param variants every variant, class by class in the set's order, each class's in rank order
 * @param classEmbeddings the screened class embeddings, in class order (unit norm)
 */
public record PromptScreening(
    PromptSet prompts,
    int tiles,
    double keepFraction,
    List<Variant> variants,
    float[][] classEmbeddings) {

  /** Half of each class's variants: see docs/zero-shot.md for why and what it measured. */
  public static final double DEFAULT_KEEP_FRACTION = 0.5;

  public PromptScreening {
    variants = List.copyOf(variants);
  }

  /**
   * One prompt variant and how it scored.
   *
   * @param classId its class
   * @param synonym index of its class name among the class's synonyms
   * @param template index of its template
   * @param prompt the text, the template with the class name in it
   * @param score mean confidence margin over the tiles, in [0, 1]
   * @param rank 1 for the class's best variant
   * @param kept whether it is in the screened ensemble
   */
  public record Variant(
      String classId,
      int synonym,
      int template,
      String prompt,
      double score,
      int rank,
      boolean kept) {}

  /**
   * Screens every variant of {@code embeddings}' prompt set on {@code tiles} (unit-norm image
   * embeddings, no labels), keeping {@code keepFraction} of each class's.
   */
  public static PromptScreening screen(
      PromptEmbeddings embeddings, List<float[]> tiles, double logitScale, double keepFraction) {
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException(
          "prompt screening needs tiles to screen on; none were given");
    }
    if (!(keepFraction > 0 && keepFraction <= 1)) {
      throw new IllegalArgumentException(
          "the share of prompt variants kept must be in (0, 1], got " + keepFraction);
    }
    PromptSet set = embeddings.prompts();
    List<String> classIds = set.classIds();
    float[][] full = embeddings.classEmbeddings();
    // Every tile's cosine to every full class embedding; a variant changes one column.
    float[][] cosines = new float[tiles.size()][full.length];
    for (int i = 0; i < tiles.size(); i++) {
      for (int c = 0; c < full.length; c++) {
        cosines[i][c] = Embeddings.dot(tiles.get(i), full[c]);
      }
    }
    List<Variant> variants = new ArrayList<>();
    float[][] screened = new float[full.length][];
    for (int c = 0; c < full.length; c++) {
      float[][][] ofClass = embeddings.vectors()[c];
      List<Variant> scored = new ArrayList<>();
      List<String> texts = set.prompts(classIds.get(c)); // synonym-major, as vectors[c][s][t]
      int templates = set.templates().size();
      for (int s = 0; s < ofClass.length; s++) {
        for (int t = 0; t < ofClass[s].length; t++) {
          double score = meanMargin(cosines, c, ofClass[s][t], tiles, logitScale);
          scored.add(
              new Variant(classIds.get(c), s, t, texts.get(s * templates + t), score, 0, false));
        }
      }
      List<Variant> ranked =
          scored.stream()
              .sorted(
                  Comparator.comparingDouble(Variant::score)
                      .reversed()
                      .thenComparingInt(Variant::synonym)
                      .thenComparingInt(Variant::template))
              .toList();
      int keep = keptCount(ranked.size(), keepFraction);
      boolean[][] kept = new boolean[ofClass.length][templates];
      for (int r = 0; r < ranked.size(); r++) {
        Variant v = ranked.get(r);
        boolean isKept = r < keep;
        variants.add(
            new Variant(
                v.classId(), v.synonym(), v.template(), v.prompt(), v.score(), r + 1, isKept));
        kept[v.synonym()][v.template()] = isKept;
      }
      screened[c] = embeddings.classEmbedding(c, (s, t) -> kept[s][t]);
    }
    return new PromptScreening(set, tiles.size(), keepFraction, variants, screened);
  }

  /** {@code ceil(fraction × n)}, at least 1. */
  static int keptCount(int variants, double keepFraction) {
    // The epsilon keeps 0.5 × 18 at 9 where float arithmetic would give 9.000000000000002.
    return Math.max(1, Math.min(variants, (int) Math.ceil(keepFraction * variants - 1e-9)));
  }

  /** The mean over tiles of p(1st) − p(2nd) when class {@code c}'s embedding is {@code variant}. */
  private static double meanMargin(
      float[][] cosines, int c, float[] variant, List<float[]> tiles, double logitScale) {
    double sum = 0;
    float[] row = new float[cosines[0].length];
    for (int i = 0; i < cosines.length; i++) {
      System.arraycopy(cosines[i], 0, row, 0, row.length);
      row[c] = Embeddings.dot(tiles.get(i), variant);
      float[] p = Softmax.of(row, logitScale);
      double first = Double.NEGATIVE_INFINITY;
      double second = Double.NEGATIVE_INFINITY;
      for (float v : p) {
        if (v > first) {
          second = first;
          first = v;
        } else if (v > second) {
          second = v;
        }
      }
      // One class: nothing to separate it from, so the margin is the whole probability.
      sum += row.length == 1 ? first : first - second;
    }
    return sum / cosines.length;
  }

  /** The variants of one class, in rank order. */
  public List<Variant> variantsOf(String classId) {
    return variants.stream().filter(v -> v.classId().equals(classId)).toList();
  }

  /** The screened zero-shot classifier. */
  public ZeroShotClassifier classifier(double logitScale) {
    return new ZeroShotClassifier(prompts, classEmbeddings, logitScale);
  }

  /**
   * One line per class saying what was kept: {@code ADI: kept 9 of 18 on 72 tiles: "fat." 0.8123,
   * ...} with each kept prompt and its score, best first.
   */
  public List<String> report() {
    List<String> lines = new ArrayList<>();
    for (String id : prompts.classIds()) {
      List<Variant> ofClass = variantsOf(id);
      List<Variant> kept = ofClass.stream().filter(Variant::kept).toList();
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s: kept %d of %d on %d tiles:",
                  id,
                  kept.size(),
                  ofClass.size(),
                  tiles));
      for (int i = 0; i < kept.size(); i++) {
        line.append(i == 0 ? " " : ", ")
            .append('"')
            .append(kept.get(i).prompt())
            .append("\" ")
            .append(String.format(Locale.ROOT, "%.4f", kept.get(i).score()));
      }
      lines.add(line.toString());
    }
    return lines;
  }
}
