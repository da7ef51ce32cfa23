package org.pathlens.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pathlens.index.TileFilter;
import org.pathlens.index.query.RelevanceFeedback;

/**
 * The JSON body of {@code POST /api/search/refine}, read and checked: each failure a 400 naming the
 * field, as {@link Params} names query parameters.
 *
 * @param text the query text, or null
 * @param tile the query tile's id, or null (not both)
 * @param relevant tile ids marked relevant
 * @param notRelevant tile ids marked not relevant
 * @param k how many hits
 * @param filterText the filter as given, or null
 * @param filter the filter parsed
 */
record RefineRequest(
    String text,
    String tile,
    List<String> relevant,
    List<String> notRelevant,
    int k,
    String filterText,
    TileFilter filter) {

  private static final Set<String> FIELDS =
      Set.of(
          "text",
          "tile",
          RelevanceFeedback.RELEVANT,
          RelevanceFeedback.NOT_RELEVANT,
          "k",
          "filter");

  static RefineRequest parse(ObjectMapper json, String body) {
    JsonNode node;
    try {
      node = body == null || body.isBlank() ? null : json.readTree(body);
    } catch (IOException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badParameter(
          "body",
          "send a JSON object {\"text\" or \"tile\", \"relevant\": [tile ids], \"not_relevant\":"
              + " [tile ids], \"k\", \"filter\"}");
    }
    for (var names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiException.badParameter(
            name,
            "unknown field '" + name + "': the fields are " + FIELDS.stream().sorted().toList());
      }
    }
    String text = string(node, "text");
    String tile = string(node, "tile");
    if (text != null && tile != null) {
      throw ApiException.badParameter("tile", "give a text or a tile to refine, not both");
    }
    String filterText = string(node, "filter");
    TileFilter filter;
    try {
      filter = TileFilter.parse(filterText);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, e.getMessage(), "filter", e);
    }
    return new RefineRequest(
        text,
        tile,
        ids(node, RelevanceFeedback.RELEVANT),
        ids(node, RelevanceFeedback.NOT_RELEVANT),
        k(node),
        filterText,
        filter);
  }

  /** A text field, or null when absent or blank. */
  private static String string(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badParameter(field, field + " must be a string, got " + value);
    }
    return value.asText().isBlank() ? null : value.asText();
  }

  private static List<String> ids(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw ApiException.badParameter(field, field + " must be an array of tile ids, got " + value);
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode id : value) {
      if (!id.isTextual() || id.asText().isBlank()) {
        throw ApiException.badParameter(field, field + " holds " + id + ", not a tile id");
      }
      ids.add(id.asText());
    }
    return ids;
  }

  private static int k(JsonNode node) {
    JsonNode value = node.get("k");
    if (value == null || value.isNull()) {
      return 10;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw ApiException.badParameter(
          "k", "k must be a whole number from 1 to " + Params.MAX_K + ", got " + value);
    }
    int k = value.asInt();
    if (k < 1 || k > Params.MAX_K) {
      throw ApiException.badParameter("k", "k must be from 1 to " + Params.MAX_K + ", got " + k);
    }
    return k;
  }
}
