package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.query.IndexQueries;
import org.pathlens.index.query.RelevanceFeedback;

/**
 * {@code POST /api/search/refine} over the demo index: the hits are the library's refined ranking
 * ({@link RelevanceFeedback}, pinned in double by the index module's RelevanceFeedbackTest), with
 * the tiles marked not relevant left out and the query's making echoed; bad bodies are 400s naming
 * the field.
 */
@ExtendWith(ServedIndex.Resolver.class)
class RefineApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ServedIndex served;
  private static PathLensServer server;

  @BeforeAll
  static void start(ServedIndex index) throws Exception {
    served = index;
    server = index.start(null, ApiServerTest.MAX_UPLOAD, 100_000, 1, 4);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theRefinedHitsAreTheLibrarysRanking() throws Exception {
    List<String> plain = ids(ok(TestRequests.get(server.port(), "/api/search?text=fat&k=10")));
    List<String> relevant = plain.subList(5, 8);
    List<String> notRelevant = plain.subList(0, 2);
    JsonNode body =
        ok(
            refine(
                "{\"text\":\"fat\",\"k\":10,\"relevant\":"
                    + JSON.writeValueAsString(relevant)
                    + ",\"not_relevant\":"
                    + JSON.writeValueAsString(notRelevant)
                    + "}"));

    RelevanceFeedback.Refined expected;
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            TileIndex.openForSearch(
                served.indexDir(), IndexProvenance.of(model), IndexSettings.defaults())) {
      expected =
          new IndexQueries(index, model, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS))
              .refined("fat", null, relevant, notRelevant, 10, TileFilter.ALL);
    }
    assertEquals(expected.hits().stream().map(SearchHit::id).toList(), ids(body));
    for (int i = 0; i < expected.hits().size(); i++) {
      assertEquals(
          expected.hits().get(i).score(), body.get("hits").get(i).get("score").floatValue());
    }
    assertTrue(ids(body).stream().noneMatch(notRelevant::contains), body.toString());
    assertNotEquals(plain, ids(body), "the marks must change the ranking");
    JsonNode echo = body.get("refine");
    assertEquals("text", echo.get("query").asText());
    assertEquals("fat", echo.get("text").asText());
    assertEquals(1.0, echo.get("alpha").asDouble());
    assertEquals(0.75, echo.get("beta").asDouble());
    assertEquals(0.15, echo.get("gamma").asDouble());
    assertEquals(relevant, strings(echo.get("relevant")));
    assertEquals(notRelevant, strings(echo.get("not_relevant")));
    assertEquals(expected.excluded(), echo.get("excluded").asInt());
    assertFalse(body.has("calibration"), "a refined query is no text: nothing to calibrate");
  }

  @Test
  void aTileOrTheRelevantTilesAloneCanBeTheQuery() throws Exception {
    String tile = served.first("ADI").tileId();
    JsonNode byTile = ok(refine("{\"tile\":" + JSON.writeValueAsString(tile) + ",\"k\":3}"));
    assertEquals("tile", byTile.get("refine").get("query").asText());
    assertEquals(tile, ids(byTile).getFirst(), "no marks: the tile itself comes first");
    JsonNode alone =
        ok(refine("{\"relevant\":" + JSON.writeValueAsString(List.of(tile)) + ",\"k\":3}"));
    assertEquals("relevant", alone.get("refine").get("query").asText());
    assertEquals(ids(byTile), ids(alone), "one relevant tile alone points where the tile does");
  }

  @Test
  void badBodiesAreRefusedNamingTheField() throws Exception {
    String tile = JSON.writeValueAsString(served.first("ADI").tileId());
    refused(refine("{\"text\":\"fat\",\"relevant\":[\"no-such-tile\"]}"), "relevant");
    refused(refine("{\"text\":\"fat\",\"not_relevant\":[\"no-such-tile\"]}"), "not_relevant");
    refused(
        refine("{\"text\":\"fat\",\"relevant\":[" + tile + "],\"not_relevant\":[" + tile + "]}"),
        "not_relevant");
    refused(refine("{\"not_relevant\":[" + tile + "]}"), "relevant");
    refused(refine("{\"tile\":\"no-such-tile\"}"), "tile");
    refused(refine("{\"text\":\"fat\",\"tile\":" + tile + "}"), "tile");
    refused(refine("{\"text\":\"fat\",\"k\":0}"), "k");
    refused(refine("{\"text\":\"fat\",\"filter\":\"site:(\"}"), "filter");
    refused(refine("{\"text\":\"fat\",\"relevant\":\"x\"}"), "relevant");
    refused(refine("{\"txt\":\"fat\"}"), "txt");
    refused(refine("not json"), "body");
  }

  private static HttpResponse<String> refine(String json) throws Exception {
    return TestRequests.postJson(server.port(), "/api/search/refine", json);
  }

  private static void refused(HttpResponse<String> response, String field) throws Exception {
    assertEquals(400, response.statusCode(), response.body());
    JsonNode error = JSON.readTree(response.body());
    assertEquals(field, error.get("parameter").asText(), response.body());
    assertFalse(error.get("error").asText().isBlank());
  }

  private static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.get("hits").forEach(h -> ids.add(h.get("id").asText()));
    return ids;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
