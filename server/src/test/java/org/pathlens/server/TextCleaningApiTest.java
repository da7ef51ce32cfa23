package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;

/**
 * A bundle whose model.json records open_clip's text cleaning ({@code text.clean}): an escaped
 * query is searched as the plain one, and a query the cleaning would re-decode as mojibake gets a
 * JSON 422 naming it, never a search with a text the model's own code would not have seen.
 */
class TextCleaningApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PathLensServer server;

  @BeforeAll
  static void start() throws Exception {
    Path bundle = dir.resolve("bundle");
    try (Stream<Path> files = Files.walk(Fixtures.demoBundle())) {
      for (Path p : files.toList()) {
        Path target = bundle.resolve(Fixtures.demoBundle().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    JsonNode model = JSON.readTree(bundle.resolve("model.json").toFile());
    ((ObjectNode) model.get("text"))
        .putArray("clean")
        .add("ftfy")
        .add("html.unescape")
        .add("html.unescape")
        .add("whitespace");
    JSON.writeValue(bundle.resolve("model.json").toFile(), model);
    server = SmallIndexServer.start(bundle, dir, null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anEscapedQueryIsSearchedAsThePlainOne() throws Exception {
    JsonNode escaped = hits(search("tumor &amp;amp; stroma&nbsp;\t cells"));
    JsonNode plain = hits(search("tumor & stroma cells"));
    JsonNode other = hits(search("tumor stroma cells"));
    assertTrue(plain.size() > 0, plain.toString());
    assertEquals(plain, escaped);
    assertNotEquals(plain, other, "the '&' is a token: another query must score otherwise");
  }

  @Test
  void mojibakeIsRefusedNamingTheText() throws Exception {
    HttpResponse<String> refused = search("caf\u00c3\u00a9 au lait");
    assertEquals(422, refused.statusCode(), refused.body());
    String error = JSON.readTree(refused.body()).get("error").asText();
    assertTrue(error.startsWith("text \"caf\u00c3\u00a9 au lait\" looks like mojibake"), error);
    assertFalse(refused.body().contains(dir.toString()), "no server path in " + refused.body());
  }

  private static JsonNode hits(HttpResponse<String> response) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = JSON.readTree(response.body());
    return body.has("hits") ? body.get("hits") : body.get("results");
  }

  private static HttpResponse<String> search(String text) throws Exception {
    return TestRequests.get(
        server.port(), "/api/search?k=5&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
  }
}
