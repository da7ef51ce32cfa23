package org.pathlens.index;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A few-shot classifier a user saved with an index ("save as class"): tiles marked relevant and not
 * relevant to a class, each kept with a copy of its embedding so that the classifier outlives the
 * tiles (a slide deleted or re-ingested changes nothing about it), and the bundle that made those
 * embeddings, so that it is never applied to an index of another model. It has two classes: the
 * positive one named by the user ({@link #name}) and its complement {@code "not <name>"}.
 *
 * <p>How a prompt enters: its text embedding (made by the index's own bundle when the classifier is
 * saved, and kept here) counts as one more example of the positive class. A prototype averages it
 * in with the tiles; a linear probe trains on it as one more positive row. Keeping the vector, not
 * only the text, makes the classifier give the same numbers after a restart without a text encoder.
 *
 * @param name the positive class, and the classifier's name ({@link #checkName})
 * @param method {@link #PROTOTYPE} or {@link #LINEAR_PROBE}
 * @param relevant examples of the positive class, in the order given
 * @param notRelevant examples of the negative class, in the order given
 * @param prompt the optional prompt text, or null
 * @param promptEmbedding the prompt's unit-norm text embedding by the index's bundle, or null
 * @param bundleName the bundle that made every embedding here ({@link IndexProvenance#bundleName})
 * @param bundleHash its content hash
 * @param embeddingDim its embedding dimension
 * @param created when it was first saved, ISO-8601 UTC ({@code 2026-12-07T23:10:00Z})
 * @param updated when it was last saved, likewise (equal to {@code created} until replaced)
 */
public record SavedClassifier(
    String name,
    String method,
    List<Example> relevant,
    List<Example> notRelevant,
    String prompt,
    float[] promptEmbedding,
    String bundleName,
    String bundleHash,
    int embeddingDim,
    String created,
    String updated) {

  /** Nearest class mean, as {@code prompts/fewshot} PrototypeClassifier. */
  public static final String PROTOTYPE = "prototype";

  /** Logistic regression on the embeddings, as {@code prompts/fewshot} LinearProbe. */
  public static final String LINEAR_PROBE = "linear-probe";

  public static final List<String> METHODS = List.of(PROTOTYPE, LINEAR_PROBE);

  /** The longest name, in characters. */
  public static final int MAX_NAME = 64;

  /**
   * ASCII letters, digits, space, {@code -} and {@code _}, starting and ending with no space: a
   * name is a file name beside an embedded index and a document id on a cluster, the same on every
   * file system (no case folding or Unicode normalisation to disagree about).
   */
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9_-]([A-Za-z0-9 _-]*[A-Za-z0-9_-])?");

  /** One marked tile and its embedding as the index held it when the classifier was saved. */
  public record Example(String tileId, float[] embedding) {}

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public SavedClassifier {
    checkName(name);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException(
          "method must be one of " + METHODS + ", got '" + method + "'");
    }
    relevant = List.copyOf(relevant);
    notRelevant = List.copyOf(notRelevant);
    if (relevant.isEmpty() || notRelevant.isEmpty()) {
      throw new IllegalArgumentException(
          "classifier '"
              + name
              + "' needs at least one relevant and one not-relevant tile, got "
              + relevant.size()
              + " and "
              + notRelevant.size());
    }
    Set<String> positives = new HashSet<>();
    for (Example e : relevant) {
      positives.add(e.tileId());
    }
    for (Example e : notRelevant) {
      if (positives.contains(e.tileId())) {
        throw new IllegalArgumentException(
            "tile " + e.tileId() + " is marked both relevant and not relevant");
      }
    }
    List<Example> all = new ArrayList<>(relevant);
    all.addAll(notRelevant);
    for (Example e : all) {
      if (e.embedding() == null || e.embedding().length != embeddingDim) {
        throw new IllegalArgumentException(
            "example tile " + e.tileId() + " has no embedding of dimension " + embeddingDim);
      }
    }
    if (promptEmbedding != null && promptEmbedding.length != embeddingDim) {
      throw new IllegalArgumentException(
          "the prompt's embedding has dimension "
              + promptEmbedding.length
              + ", the bundle's is "
              + embeddingDim);
    }
    if (prompt == null && promptEmbedding != null) {
      throw new IllegalArgumentException("a prompt embedding without its prompt text");
    }
    Instant.parse(created);
    Instant.parse(updated);
  }

  /**
   * @throws IllegalArgumentException saying what a name may hold
   */
  public static String checkName(String name) {
    if (name == null || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a classifier name is 1 to "
              + MAX_NAME
              + " characters of letters A-Z a-z, digits, space, '-' and '_', not starting or ending"
              + " with a space; got "
              + (name == null ? "none" : "'" + name + "'"));
    }
    return name;
  }

  /** The two classes, positive first: {@code [name, "not " + name]}. */
  public List<String> classes() {
    return List.of(name, negativeClass());
  }

  public String negativeClass() {
    return "not " + name;
  }

  /** The bundle in the form the index names its own ({@link IndexProvenance#bundle()}). */
  public String model() {
    return provenance().bundle();
  }

  private IndexProvenance provenance() {
    return new IndexProvenance(bundleName, bundleHash, embeddingDim);
  }

  /**
   * @throws IllegalStateException naming both models when this classifier's embeddings come from
   *     another bundle than {@code index}'s: its examples are points of another space
   */
  public void requireBundleOf(IndexProvenance index, Object where) {
    if (!provenance().sameBundle(index)) {
      throw new IllegalStateException(
          "classifier '"
              + name
              + "' was made from embeddings of "
              + model()
              + " but index "
              + where
              + " holds embeddings of "
              + index.bundle()
              + "; a classifier cannot be used on another model's index: save it again from"
              + " tiles of this index");
    }
  }

  /** This classifier saved over {@code earlier}: it keeps the earlier one's creation time. */
  public SavedClassifier replacing(SavedClassifier earlier) {
    return new SavedClassifier(
        name,
        method,
        relevant,
        notRelevant,
        prompt,
        promptEmbedding,
        bundleName,
        bundleHash,
        embeddingDim,
        earlier.created(),
        updated);
  }

  /**
   * What the API lists and the command line shows: name, method, classes, example counts, prompt,
   * model, times; with {@code withExamples}, the tile ids of the examples as well (never their
   * vectors).
   */
  public ObjectNode describe(boolean withExamples) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("name", name);
    entry.put("method", method);
    ArrayNode classes = entry.putArray("classes");
    classes().forEach(classes::add);
    entry.put("relevant", relevant.size());
    entry.put("not_relevant", notRelevant.size());
    entry.put("prompt", prompt);
    entry.put("model", model());
    entry.put("created", created);
    entry.put("updated", updated);
    if (withExamples) {
      ObjectNode examples = entry.putObject("examples");
      ArrayNode yes = examples.putArray("relevant");
      relevant.forEach(e -> yes.add(e.tileId()));
      ArrayNode no = examples.putArray("not_relevant");
      notRelevant.forEach(e -> no.add(e.tileId()));
    }
    return entry;
  }

  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @throws IOException naming {@code where} when the text is no saved classifier
   */
  public static SavedClassifier fromJson(String json, Object where) throws IOException {
    try {
      return JSON.readValue(json, SavedClassifier.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(
          where + ": not a saved classifier: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
  }

  /** Equality of content, embeddings compared by value (a record's arrays compare by reference). */
  public boolean sameAs(SavedClassifier other) {
    return toJson().equals(other.toJson());
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s (%s, %d relevant, %d not relevant%s, %s)",
        name,
        method,
        relevant.size(),
        notRelevant.size(),
        prompt == null ? "" : ", prompt \"" + prompt + "\"",
        model());
  }
}
