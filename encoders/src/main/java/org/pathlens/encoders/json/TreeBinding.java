package org.pathlens.encoders.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.List;

/**
 * Binds a JSON object to a record, strictly, and never fails on a value: one of the wrong JSON type
 * is bound as null, so that the reader's own checks name it as they name a missing one, in the
 * order they check fields (which decides which of several faults a user is told first).
 *
 * <p>Strictly: a String only from a JSON string, an Integer or Long only from a JSON integer that
 * fits, a Number only from a JSON number. Record components are the keys in snake_case ({@code
 * embeddingDim} binds {@code embedding_dim}); other keys are ignored. Declare a Number, not a
 * Double: Jackson reads the strings "NaN" and "Infinity" as a Double even with coercion off
 * (jackson-databind#2942). Declare a JsonNode where any value is taken (it binds a null as a
 * NullNode, a missing key as null).
 */
public final class TreeBinding {

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS) // no "64" as 64
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // no 64.0 as 64
          .withCoercionConfig( // no 64 or true as "64" or "true"
              LogicalType.Textual,
              c ->
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          .build();

  private TreeBinding() {}

  /**
   * {@code root} as a {@code type}. A value that cannot be bound is made null in {@code root} (a
   * list with an element that cannot, the whole list) and the binding retried.
   */
  public static <T> T bind(ObjectNode root, Class<T> type) {
    while (true) {
      try {
        return STRICT.treeToValue(root, type);
      } catch (JsonMappingException e) {
        List<String> path =
            e.getPath().stream().map(JsonMappingException.Reference::getFieldName).toList();
        path = path.subList(0, path.contains(null) ? path.indexOf(null) : path.size()); // no index
        if (path.isEmpty()) {
          throw new IllegalStateException(type + " cannot be bound from an object", e);
        }
        JsonNode parent = root;
        for (String field : path.subList(0, path.size() - 1)) {
          parent = parent.get(field);
        }
        if (parent.get(path.getLast()).isNull()) {
          throw new IllegalStateException(type + " cannot take a null at " + path, e);
        }
        ((ObjectNode) parent).putNull(path.getLast());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a tree has no syntax to get wrong", e);
      }
    }
  }
}
