package org.pathlens.prompts.fewshot;

import java.util.ArrayList;
import java.util.List;
import org.pathlens.index.SavedClassifier;
import org.pathlens.prompts.ScaledClassifier;

/**
 * Turns a {@link SavedClassifier}'s examples into the classifier they describe, with the few-shot
 * classes: a {@link PrototypeClassifier} (each class the normalised mean of its examples, softmax
 * with the bundle's logit scale, calibrated like zero-shot) or a {@link LinearProbe} (default
 * options, deterministic). Training is on the stored copies of the embeddings only, so the same
 * saved classifier gives the same numbers in every process and after every restart.
 */
public final class SavedClassifierTraining {

  private SavedClassifierTraining() {}

  /**
   * @param logitScale the bundle's logit scale (used by the prototype method)
   */
  public static ScaledClassifier train(SavedClassifier saved, double logitScale) {
    return switch (saved.method()) {
      case SavedClassifier.PROTOTYPE -> PrototypeClassifier.train(examples(saved), logitScale);
      case SavedClassifier.LINEAR_PROBE ->
          LinearProbe.train(examples(saved), LinearProbe.Options.defaults());
      default ->
          throw new IllegalArgumentException(
              "classifier '" + saved.name() + "' has an unknown method '" + saved.method() + "'");
    };
  }

  /**
   * The labelled rows: the relevant tiles and the prompt's text embedding (if any) as the positive
   * class, the not-relevant tiles as the negative class.
   */
  public static LabelledEmbeddings examples(SavedClassifier saved) {
    List<float[]> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (SavedClassifier.Example e : saved.relevant()) {
      rows.add(e.embedding());
      labels.add(saved.name());
    }
    if (saved.promptEmbedding() != null) {
      rows.add(saved.promptEmbedding());
      labels.add(saved.name());
    }
    for (SavedClassifier.Example e : saved.notRelevant()) {
      rows.add(e.embedding());
      labels.add(saved.negativeClass());
    }
    return LabelledEmbeddings.of(saved.classes(), rows, labels);
  }
}
