package org.pathlens.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.fewshot.SavedClassifierTraining;
import picocli.CommandLine.Option;

/**
 * {@code --prompts FILE|NAME} or {@code --classifier NAME}: what classifies a command's tiles, a
 * prompt set (zero-shot) or a few-shot classifier saved with the index ({@code pathlens classifiers
 * list}). Exactly one of the two.
 */
final class ClassifierChoiceOption {

  @Option(
      names = "--prompts",
      paramLabel = "FILE|NAME",
      description = "Prompt set: a JSON file, or the name of a built-in set (e.g. crc-nct9).")
  Path file;

  @Option(
      names = "--classifier",
      paramLabel = "NAME",
      description =
          "Instead of --prompts: a few-shot classifier saved with the index (pathlens classifiers"
              + " list); its classes are NAME and 'not NAME'.")
  String saved;

  /**
   * @throws IllegalArgumentException unless exactly one of the two is given
   */
  void check() {
    if ((file == null) == (saved == null)) {
      throw new IllegalArgumentException(
          file == null
              ? "give --prompts FILE|NAME (a prompt set) or --classifier NAME (saved with the index)"
              : "give --prompts or --classifier, not both");
    }
  }

  /** The prompt set, or null with {@code --classifier}. */
  PromptSet promptSet() {
    return file == null ? null : PromptSetReader.resolve(file);
  }

  /** The classes, checked before any model is loaded where a prompt set gives them. */
  List<String> classIds(TileIndex index) throws IOException {
    return file != null ? promptSet().classIds() : savedClassifier(index).classes();
  }

  /**
   * The classifier: the prompt set's, its prompts encoded (or taken from {@code cache}), or the
   * saved one trained from its stored examples.
   *
   * @throws IllegalArgumentException when the index has no classifier of that name
   * @throws IllegalStateException when the saved classifier was made with another model
   */
  ScaledClassifier classifier(TileIndex index, VisionLanguageModel vlm, ClassEmbeddingCache cache)
      throws IOException {
    if (file != null) {
      return cache.classifier(vlm, promptSet());
    }
    SavedClassifier found = savedClassifier(index);
    found.requireBundleOf(index.provenance(), index.location());
    return SavedClassifierTraining.train(found, vlm.logitScale());
  }

  private SavedClassifier savedClassifier(TileIndex index) throws IOException {
    SavedClassifier.checkName(saved);
    var found = index.classifiers().find(saved);
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "--classifier "
              + saved
              + ": index "
              + index.location()
              + " has no saved classifier of that name; it has "
              + names(index));
    }
    return found.get();
  }

  private static String names(TileIndex index) throws IOException {
    List<String> names = index.classifiers().names();
    return names.isEmpty()
        ? "none (save one from the web UI or POST /api/classifiers)"
        : String.join(", ", names);
  }

  /** {@code prompt set FILE} or {@code classifier NAME}, for messages. */
  String describe() {
    return file != null ? "prompt set " + file : "classifier " + saved;
  }
}
