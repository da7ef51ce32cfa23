package org.pathlens.server;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.fewshot.SavedClassifierTraining;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifiers saved with the served index, trained from their stored examples on first use.
 * Each request reads the saved record afresh (another process may have replaced or deleted it), and
 * a record trains once per content.
 */
final class SavedClassifierModels {

  private static final Logger LOG = LoggerFactory.getLogger(SavedClassifierModels.class);

  private final TileIndex index;
  private final double logitScale;
  private final Map<String, ScaledClassifier> trained = new ConcurrentHashMap<>();

  SavedClassifierModels(TileIndex index, double logitScale) {
    this.index = index;
    this.logitScale = logitScale;
  }

  /** The saved classifiers' names, sorted. */
  List<String> names() throws IOException {
    return index.classifiers().names();
  }

  /**
   * The saved classifier called {@code name}.
   *
   * @throws ApiException 400 naming {@code parameter} when the index has none of that name
   */
  SavedClassifier read(String name, String parameter) throws IOException {
    try {
      SavedClassifier.checkName(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter(parameter, e.getMessage());
    }
    return index
        .classifiers()
        .find(name)
        .orElseThrow(
            () ->
                ApiException.badParameter(
                    parameter,
                    "no saved classifier '"
                        + name
                        + "' in this index; GET /api/classifiers lists them: "
                        + safeNames()));
  }

  /**
   * The trained classifier of {@code saved}.
   *
   * @throws ApiException 500 when it was made from another model's embeddings than the index's
   */
  ScaledClassifier classifier(SavedClassifier saved) {
    try {
      saved.requireBundleOf(index.provenance(), "served here");
    } catch (IllegalStateException e) {
      LOG.error("pathlens serve: {}", e.getMessage());
      throw new ApiException(500, e.getMessage(), "classifier", e);
    }
    return trained.computeIfAbsent(
        saved.name() + "#" + saved.updated() + "#" + saved.toJson().hashCode(),
        key -> SavedClassifierTraining.train(saved, logitScale));
  }

  double logitScale() {
    return logitScale;
  }

  private List<String> safeNames() {
    try {
      return names();
    } catch (IOException e) {
      return List.of();
    }
  }
}
