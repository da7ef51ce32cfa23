package org.pathlens.eval.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.prompts.PromptEmbeddings;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.ZeroShotClassifier;

/**
 * Leave-one-out ablation of a prompt set: the accuracy with each template left out (of every
 * class), and with each synonym left out (of its class), against the accuracy with all prompts.
 * Rows are sorted by effect, most helpful first: a prompt whose removal costs the most accuracy
 * helps the most; one whose removal gains accuracy is hurting. Reuses the prompt embeddings, so the
 * text encoder runs once.
 *
 * @param baseline accuracy with every prompt
 * @param templates one row per template
 * @param synonyms one row per synonym of classes that have more than one
 */
public record PromptAblation(double baseline, List<Row> templates, List<Row> synonyms) {

  /**
   * @param left what was left out: the template text, or "CLASS: synonym"
   * @param accuracy accuracy without it
   * @param effect accuracy with all prompts minus accuracy without it: &gt; 0 means it helps
   */
  public record Row(String left, double accuracy, double effect) {}

  private static final Comparator<Row> BY_EFFECT =
      Comparator.comparingDouble(Row::effect).reversed().thenComparing(Row::left);

  public static PromptAblation run(
      PromptEmbeddings prompts, double logitScale, EmbeddedTiles tiles) {
    PromptSet set = prompts.prompts();
    double baseline = accuracy(set, prompts.classEmbeddings(), logitScale, tiles);
    List<Row> templates = new ArrayList<>();
    if (set.templates().size() > 1) {
      for (int t = 0; t < set.templates().size(); t++) {
        double acc = accuracy(set, prompts.withoutTemplate(t), logitScale, tiles);
        templates.add(new Row(set.templates().get(t), acc, baseline - acc));
      }
    }
    List<Row> synonyms = new ArrayList<>();
    List<String> ids = set.classIds();
    for (int c = 0; c < ids.size(); c++) {
      List<String> ofClass = set.classes().get(ids.get(c));
      if (ofClass.size() < 2) {
        continue;
      }
      for (int s = 0; s < ofClass.size(); s++) {
        double acc = accuracy(set, prompts.withoutSynonym(c, s), logitScale, tiles);
        synonyms.add(new Row(ids.get(c) + ": " + ofClass.get(s), acc, baseline - acc));
      }
    }
    templates.sort(BY_EFFECT);
    synonyms.sort(BY_EFFECT);
    return new PromptAblation(baseline, List.copyOf(templates), List.copyOf(synonyms));
  }

  private static double accuracy(
      PromptSet set, float[][] classEmbeddings, double logitScale, EmbeddedTiles tiles) {
    return Metric.accuracy(tiles.predict(new ZeroShotClassifier(set, classEmbeddings, logitScale)));
  }

  public String toText() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "accuracy with all prompts %.4f; effect = that minus the accuracy without the prompt (> 0: the prompt helps)%n",
                baseline));
    table(out, "template left out", templates);
    table(out, "synonym left out", synonyms);
    return out.toString();
  }

  private static void table(StringBuilder out, String title, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    out.append(String.format(Locale.ROOT, "%n%8s %9s  %s%n", "effect", "accuracy", title));
    for (Row row : rows) {
      out.append(
          String.format(
              Locale.ROOT, "%+8.4f %9.4f  %s%n", row.effect(), row.accuracy(), row.left()));
    }
  }
}
