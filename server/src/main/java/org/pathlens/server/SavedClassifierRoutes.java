package org.pathlens.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.pathlens.index.ClassifierExamples;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.TileIndex;

/**
 * The few-shot classifiers saved with the index ("save as class"): listed, created from marked
 * tiles, shown with their examples, replaced and deleted. Saving copies each marked tile's
 * embedding into the classifier, and the prompt's text embedding if one is given, so the classifier
 * keeps working when its tiles leave the index and gives the same numbers after a restart.
 */
final class SavedClassifierRoutes {

  private final PathLensServer server;
  private final SavedClassifierModels models;
  private final TileIndex index;

  /** Creating, replacing and deleting one at a time: a name is taken or free, never both. */
  private final Object writes = new Object();

  SavedClassifierRoutes(PathLensServer server, SavedClassifierModels models, TileIndex index) {
    this.server = server;
    this.models = models;
    this.index = index;
  }

  void list(Context ctx) throws IOException {
    ObjectNode body = server.object();
    ArrayNode all = body.putArray("classifiers");
    for (SavedClassifier saved : index.classifiers().list()) {
      all.add(entry(saved));
    }
    ctx.json(body);
  }

  void show(Context ctx) throws IOException {
    ctx.json(existing(ctx.pathParam("name")).describe(true));
  }

  void create(Context ctx) throws IOException {
    Draft draft = draft(ctx, null);
    server.async(
        ctx,
        () -> {
          float[] promptEmbedding = promptEmbedding(draft.prompt());
          synchronized (writes) {
            if (index.classifiers().find(draft.name()).isPresent()) {
              throw new ApiException(
                  409,
                  "a classifier '"
                      + draft.name()
                      + "' is saved already: PUT /api/classifiers/{name} replaces it, DELETE"
                      + " removes it",
                  "name");
            }
            String now = now();
            SavedClassifier saved = draft.toClassifier(promptEmbedding, now, now);
            save(saved);
            ctx.status(201);
            return entry(saved);
          }
        });
  }

  void replace(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    Draft draft = draft(ctx, name);
    server.async(
        ctx,
        () -> {
          float[] promptEmbedding = promptEmbedding(draft.prompt());
          synchronized (writes) {
            SavedClassifier earlier = existing(name);
            SavedClassifier saved = draft.toClassifier(promptEmbedding, earlier.created(), now());
            save(saved);
            return entry(saved);
          }
        });
  }

  void delete(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    synchronized (writes) {
      existing(name);
      index.classifiers().delete(name);
    }
    ctx.status(204);
  }

  /** The classifier of the path's {@code name}; a 404 naming it and the list when there is none. */
  private SavedClassifier existing(String name) throws IOException {
    Optional<SavedClassifier> found;
    try {
      found = index.classifiers().find(name);
    } catch (IllegalArgumentException e) { // not a name a classifier can have
      found = Optional.empty();
    }
    if (found.isEmpty()) {
      throw ApiException.notFound(
          "no saved classifier '"
              + name
              + "' in this index; GET /api/classifiers lists them: "
              + models.names());
    }
    return found.get();
  }

  /** Trains it once before saving: what is saved is known to work. */
  private void save(SavedClassifier saved) throws IOException {
    models.classifier(saved);
    index.classifiers().save(saved);
  }

  private float[] promptEmbedding(String prompt) {
    return prompt == null ? null : server.model().texts().encode(prompt);
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /**
   * A request's classifier, checked field by field (each failure a 400 naming the field), with the
   * marked tiles' embeddings read from the index.
   */
  private record Draft(
      String name,
      String method,
      List<SavedClassifier.Example> relevant,
      List<SavedClassifier.Example> notRelevant,
      String prompt,
      IndexProvenance bundle) {

    SavedClassifier toClassifier(float[] promptEmbedding, String created, String updated) {
      return new SavedClassifier(
          name,
          method,
          relevant,
          notRelevant,
          prompt,
          promptEmbedding,
          bundle.bundleName(),
          bundle.contentHash(),
          bundle.embeddingDim(),
          created,
          updated);
    }
  }

  /**
   * @param pathName the name in the path ({@code PUT}), which the body's, if given, must match;
   *     null for {@code POST}, whose body must name it
   */
  private Draft draft(Context ctx, String pathName) throws IOException {
    JsonNode body;
    try {
      body = server.json().readTree(ctx.body());
    } catch (IOException e) {
      throw ApiException.badParameter("body", "the body must be a JSON object: " + firstLine(e));
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badParameter(
          "body",
          "the body must be a JSON object: {\"name\": ..., \"relevant\": [tile ids],"
              + " \"not_relevant\": [tile ids], \"prompt\": optional, \"method\": optional}");
    }
    String name = text(body, "name");
    if (pathName != null) {
      if (name != null && !name.equals(pathName)) {
        throw ApiException.badParameter(
            "name",
            "the body names '"
                + name
                + "' but the path '"
                + pathName
                + "': rename by DELETE and"
                + " POST");
      }
      name = pathName;
    }
    if (name == null) {
      throw ApiException.badParameter("name", "give the classifier a \"name\" (its class)");
    }
    try {
      SavedClassifier.checkName(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter("name", e.getMessage());
    }
    String method = text(body, "method");
    if (method == null) {
      method = SavedClassifier.PROTOTYPE;
    } else if (!SavedClassifier.METHODS.contains(method)) {
      throw ApiException.badParameter(
          "method", "method must be one of " + SavedClassifier.METHODS + ", got '" + method + "'");
    }
    String prompt = text(body, "prompt");
    if (prompt != null && prompt.isBlank()) {
      prompt = null;
    }
    List<String> relevant = tileIds(body, "relevant");
    List<String> notRelevant = tileIds(body, "not_relevant");
    for (String id : notRelevant) {
      if (relevant.contains(id)) {
        throw ApiException.badParameter(
            "not_relevant",
            "tile " + id + " is in both relevant and not_relevant: mark each tile once");
      }
    }
    return new Draft(
        name,
        method,
        examples(relevant, "relevant"),
        examples(notRelevant, "not_relevant"),
        prompt,
        index.provenance());
  }

  private List<SavedClassifier.Example> examples(List<String> ids, String field)
      throws IOException {
    try {
      return ClassifierExamples.read(index, ids);
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter(
          field, "the index holds no tile " + e.getMessage().replaceFirst(".* holds no tile ", ""));
    }
  }

  /** A string field, or null when absent or null. */
  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badParameter(field, "\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  /** A list of at least one tile id, repeats dropped. */
  private static List<String> tileIds(JsonNode body, String field) {
    JsonNode value = body.get(field);
    String need = "\"" + field + "\" must be a list of at least one tile id";
    if (value == null || !value.isArray() || value.isEmpty()) {
      throw ApiException.badParameter(field, need);
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (JsonNode id : value) {
      if (!id.isTextual() || id.asText().isEmpty()) {
        throw ApiException.badParameter(field, need + ", got " + id);
      }
      ids.add(id.asText());
    }
    return new ArrayList<>(ids);
  }

  /** One classifier as {@code GET /api/classifiers} lists it. */
  private static ObjectNode entry(SavedClassifier saved) {
    return saved.describe(false);
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    return message.lines().findFirst().orElse("");
  }
}
