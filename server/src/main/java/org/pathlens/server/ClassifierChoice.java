package org.pathlens.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import org.pathlens.prompts.ScaledClassifier;

/**
 * What classifies a request's tiles: a prompt set ({@code prompts=SET}, zero-shot) or a classifier
 * saved with the index ({@code classifier=NAME}). Every route that takes one takes the other, and
 * answers alike; giving both is refused, since the answer could only follow one of them.
 *
 * @param parameter {@code prompts} or {@code classifier}
 * @param name the set's or the classifier's name
 */
record ClassifierChoice(String parameter, String name) {

  static final String PROMPTS = "prompts";
  static final String CLASSIFIER = "classifier";

  /**
   * The choice the query parameters make, checked to name an existing set or classifier (cheap: no
   * prompt is encoded, nothing trained).
   *
   * @throws ApiException 400 when neither or both are given, or the name is unknown
   */
  static ClassifierChoice of(Context ctx, PromptSets prompts, SavedClassifierModels saved)
      throws IOException {
    return of(ctx.queryParam(PROMPTS), ctx.queryParam(CLASSIFIER), prompts, saved);
  }

  /** As {@link #of(Context, PromptSets, SavedClassifierModels)} from values read elsewhere. */
  static ClassifierChoice of(
      String promptSet, String classifier, PromptSets prompts, SavedClassifierModels saved)
      throws IOException {
    boolean hasPrompts = promptSet != null && !promptSet.isBlank();
    boolean hasClassifier = classifier != null && !classifier.isBlank();
    if (hasPrompts && hasClassifier) {
      throw ApiException.badParameter(
          CLASSIFIER,
          "give prompts=SET or classifier=NAME, not both: prompts='"
              + promptSet
              + "', classifier='"
              + classifier
              + "'");
    }
    if (hasClassifier) {
      saved.read(classifier, CLASSIFIER);
      return new ClassifierChoice(CLASSIFIER, classifier);
    }
    if (!hasPrompts) {
      throw ApiException.badParameter(
          PROMPTS,
          "missing query parameter 'prompts' (a prompt set, GET /api/prompts) or 'classifier' (a"
              + " saved classifier, GET /api/classifiers)");
    }
    prompts.read(promptSet, PROMPTS);
    return new ClassifierChoice(PROMPTS, promptSet);
  }

  /** The classifier itself; encodes a set's prompts or trains a saved classifier on first use. */
  ScaledClassifier classifier(PromptSets prompts, SavedClassifierModels saved) throws IOException {
    return parameter.equals(CLASSIFIER)
        ? saved.classifier(saved.read(name, CLASSIFIER))
        : prompts.classifier(name, PROMPTS);
  }

  /** {@code prompt set NAME} or {@code classifier NAME}, for messages. */
  String describe() {
    return (parameter.equals(CLASSIFIER) ? "saved classifier " : "prompt set ") + name;
  }

  /** {@code prompts=NAME} or {@code classifier=NAME}, encoded for a URL. */
  String query() {
    return parameter + "=" + ApiJson.query(name);
  }

  /**
   * Says in an answer what classified it: {@code "prompts": NAME} or {@code "classifier": NAME}.
   */
  void putInto(ObjectNode body) {
    body.put(parameter, name);
  }
}
