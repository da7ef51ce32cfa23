package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The server's own {@code openapi.json} as a check of real responses: a response's status must be
 * one its operation declares, its content type one that status declares, its JSON body valid
 * against the declared schema (a JSON-Schema validator, OpenAPI 3.0's dialect) and its declared
 * headers present. The tests' HTTP helpers pass every response through {@link #check}, so a type, a
 * field or a status code that drifts from the document fails the test that saw it.
 */
final class OpenApiContract {

  private static final String DOCUMENT_URI = "https://pathlens.invalid/openapi.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** The document the server serves, read from the same class-path resource. */
  static final OpenApiContract SERVED = load();

  /** One operation of the document: its method, path template and that template as a pattern. */
  record Operation(String method, String template, Pattern pattern) {
    String name() {
      return method + " " + template;
    }

    /** Literal characters: the most specific template wins where several patterns match. */
    int literalLength() {
      return template.replaceAll("\\{\\w+}", "").length();
    }
  }

  private final JsonNode document;
  private final SchemaRegistry schemas;
  private final List<Operation> operations;

  private OpenApiContract(String text) throws IOException {
    this.document = JSON.readTree(text);
    this.schemas =
        SchemaRegistry.withDefaultDialect(
            Dialects.getOpenApi30(), b -> b.schemas(Map.of(DOCUMENT_URI, text)));
    List<Operation> ops = new ArrayList<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method ->
                            ops.add(
                                new Operation(
                                    method.toUpperCase(Locale.ROOT),
                                    path.getKey(),
                                    templatePattern(path.getKey())))));
    ops.sort(Comparator.comparingInt(Operation::literalLength).reversed());
    this.operations = List.copyOf(ops);
  }

  private static OpenApiContract load() {
    try (InputStream in = PathLensServer.class.getResourceAsStream("openapi.json")) {
      return new OpenApiContract(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A path parameter matches one or more characters, slashes included: Javalin's {@code <id>} spans
   * segments (tile ids that are relative paths).
   */
  private static Pattern templatePattern(String template) {
    StringBuilder regex = new StringBuilder();
    for (String part : template.split("\\{\\w+}", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".+");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }

  List<Operation> operations() {
    return operations;
  }

  /** The statuses each operation declares, by operation name ({@code GET /api/search}). */
  Map<String, Set<Integer>> declared() {
    Map<String, Set<Integer>> declared = new java.util.TreeMap<>();
    for (Operation op : operations) {
      Set<Integer> statuses = new java.util.TreeSet<>();
      responses(op).fieldNames().forEachRemaining(s -> statuses.add(Integer.parseInt(s)));
      declared.put(op.name(), statuses);
    }
    return declared;
  }

  /** The operation {@code method path} falls under, if the document has one. */
  Optional<Operation> operation(String method, String rawPath) {
    return operations.stream()
        .filter(op -> op.method().equals(method) && op.pattern().matcher(rawPath).matches())
        .findFirst();
  }

  /**
   * Asserts that {@code response} is one the document allows for its request, and records it. A
   * request outside the document (a static file of the web UI, an unknown route) is not checked.
   */
  <T> HttpResponse<T> check(HttpResponse<T> response) {
    URI uri = response.request().uri();
    Optional<Operation> op = operation(response.request().method(), uri.getRawPath());
    if (op.isEmpty()) {
      return response;
    }
    // A body read as a String has lost the bytes of an image; its JSON is still checked.
    boolean exactBytes = !(response.body() instanceof String);
    byte[] body =
        switch (response.body()) {
          case byte[] bytes -> bytes;
          case String text -> text.getBytes(StandardCharsets.UTF_8);
          case null -> new byte[0];
          default -> throw new IllegalArgumentException("a body the contract cannot read");
        };
    check(
        op.get(),
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(null),
        name -> response.headers().firstValue(name).isPresent(),
        body,
        exactBytes);
    return response;
  }

  private void check(
      Operation op,
      int status,
      String contentType,
      java.util.function.Predicate<String> hasHeader,
      byte[] body,
      boolean exactBytes) {
    String where = op.name() + " answered " + status;
    JsonNode declared = responses(op).get(Integer.toString(status));
    assertNotNull(
        declared, where + ", a status openapi.json does not declare for it: " + text(body));
    declared = resolve(declared);
    for (String header : iterable(declared.path("headers").fieldNames())) {
      assertTrue(hasHeader.test(header), where + " without its declared header " + header);
    }
    JsonNode content = declared.get("content");
    if (content == null) {
      assertEquals(0, body.length, where + ": a body where none is declared: " + text(body));
      return;
    }
    assertNotNull(contentType, where + " without a Content-Type");
    String mediaType = contentType.split(";", 2)[0].trim();
    JsonNode media = content.get(mediaType);
    assertNotNull(media, where + " as " + mediaType + "; openapi.json declares " + names(content));
    if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
      validateJson(op, status, mediaType, body);
    } else if (!exactBytes) {
      return;
    } else if (mediaType.equals("image/png")) {
      assertTrue(startsWith(body, PNG_SIGNATURE), where + ": image/png that is no PNG");
    } else if (mediaType.equals("image/jpeg")) {
      assertTrue(
          body.length > 2 && (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xd8,
          where + ": image/jpeg that is no JPEG");
    }
  }

  private void validateJson(Operation op, int status, String mediaType, byte[] body) {
    String where = op.name() + " answered " + status;
    JsonNode instance;
    try {
      instance = JSON.readTree(body);
    } catch (IOException e) {
      fail(where + " as " + mediaType + " with a body that is not JSON: " + text(body));
      return;
    }
    String pointer =
        "/paths/"
            + escape(op.template())
            + "/"
            + op.method().toLowerCase(Locale.ROOT)
            + "/responses/"
            + status;
    if (responses(op).get(Integer.toString(status)).has("$ref")) {
      pointer = responses(op).get(Integer.toString(status)).get("$ref").asText().substring(1);
    }
    pointer += "/content/" + escape(mediaType) + "/schema";
    Schema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + pointer));
    List<Error> errors = schema.validate(instance);
    assertTrue(errors.isEmpty(), where + ": " + errors + " in " + text(body));
    assertFalse(instance.isMissingNode(), where);
  }

  private JsonNode responses(Operation op) {
    return document
        .get("paths")
        .get(op.template())
        .get(op.method().toLowerCase(Locale.ROOT))
        .get("responses");
  }

  /** A response given as {@code $ref} to {@code #/components/responses/...}. */
  private JsonNode resolve(JsonNode response) {
    return response.has("$ref")
        ? document.at(response.get("$ref").asText().substring(1))
        : response;
  }

  /** JSON Pointer escaping of one reference token. */
  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static boolean startsWith(byte[] body, byte[] prefix) {
    if (body.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names.toString();
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }

  private static String text(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
