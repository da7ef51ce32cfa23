package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.slides.SlidePooling;

/**
 * Saved classifiers over HTTP on the served index: saved from marked tiles (and a prompt), their
 * numbers recomputed here from the index's stored vectors (a prototype is the normalised mean of
 * its examples; probabilities softmax(logit scale × cosines), pooled per slide by top-K), refused
 * field by field, and still there, giving the same numbers and the same heatmap, after the server
 * restarts on the index. Every answer is checked against the OpenAPI document.
 */
@ExtendWith(ServedIndex.Resolver.class)
class SavedClassifierApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String NAME = "api tumor";
  private static final String PATH = "/api/classifiers/api%20tumor";
  private static final String PROMPT = "tumor epithelium";

  private static ServedIndex served;
  private static PathLensServer server;
  private static double logitScale;
  private static float[] promptEmbedding;
  private static final Map<String, float[]> stored = new TreeMap<>();
  private static final Map<String, float[]> slideTiles = new TreeMap<>();
  private static final List<String> relevant = new ArrayList<>();
  private static final List<String> notRelevant = new ArrayList<>();

  @BeforeAll
  static void start(ServedIndex index) throws Exception {
    served = index;
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex tiles =
            TileIndex.openForSearch(
                IndexLocation.of(index.indexDir()),
                IndexProvenance.of(model.bundle()),
                IndexSettings.defaults())) {
      logitScale = model.logitScale();
      promptEmbedding = model.texts().encode(PROMPT);
      tiles.forEachTile(TileFilter.ALL, t -> stored.put(t.record().id(), t.embedding()));
      tiles.forEachTile(
          TileFilter.slide(ServedIndex.SLIDE), t -> slideTiles.put(t.record().id(), t.embedding()));
    }
    for (ManifestRow row : index.manifest()) {
      if (row.label().equals("TUM")) {
        relevant.add(row.tileId());
      } else if (row.label().equals("ADI") || row.label().equals("STR")) {
        notRelevant.add(row.tileId());
      }
    }
    server = index.start(null, ApiServerTest.MAX_UPLOAD, 100_000, 2, 8);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      send("DELETE", PATH, null); // the served index is shared: leave it as found
      server.close();
    }
  }

  @Test
  void aSavedClassifierGivesTheNumbersOfItsExamplesAndSurvivesARestart() throws Exception {
    JsonNode created = json(send("POST", "/api/classifiers", request(NAME, null)), 201);
    assertEquals(NAME, created.get("name").asText());
    assertEquals("prototype", created.get("method").asText());
    assertEquals(List.of(NAME, "not " + NAME), strings(created.get("classes")));
    assertEquals(relevant.size(), created.get("relevant").asInt());
    assertEquals(notRelevant.size(), created.get("not_relevant").asInt());
    assertTrue(created.get("prompt").isNull());
    assertEquals(created.get("created"), created.get("updated"));
    assertTrue(created.get("model").asText().startsWith("pathlens-demo-crc9 ("));

    JsonNode prompts = json(send("GET", "/api/prompts", null), 200);
    assertTrue(strings(prompts.get("classifiers")).contains(NAME));
    JsonNode shown = json(send("GET", PATH, null), 200);
    assertEquals(relevant, strings(shown.path("examples").get("relevant")));
    assertEquals(notRelevant, strings(shown.path("examples").get("not_relevant")));

    // The prototype: each class the normalised mean of its examples' stored vectors.
    float[][] prototypes = {mean(relevant, null), mean(notRelevant, null)};
    checkTilesAndSlide(prototypes);

    // Replaced with a prompt: its text embedding is one more relevant example.
    JsonNode replaced = json(send("PUT", PATH, request(null, PROMPT)), 200);
    assertEquals(PROMPT, replaced.get("prompt").asText());
    assertEquals(created.get("created"), replaced.get("created"));
    float[][] withPrompt = {mean(relevant, promptEmbedding), mean(notRelevant, null)};
    Map<String, Double> before = checkTilesAndSlide(withPrompt);
    String classified = classifySlide().toString();
    byte[] heatmap = bytes("/api/slides/S-1/heatmap.png?classifier=api%20tumor&class=api%20tumor");

    server.close();
    server = served.start(null, ApiServerTest.MAX_UPLOAD, 100_000, 2, 8);
    JsonNode listed = json(send("GET", "/api/classifiers", null), 200);
    JsonNode again = null;
    for (JsonNode entry : listed.get("classifiers")) {
      if (entry.get("name").asText().equals(NAME)) {
        again = entry;
      }
    }
    assertEquals(replaced, again);
    assertEquals(before, checkTilesAndSlide(withPrompt));
    assertEquals(classified, classifySlide().toString());
    assertArrayEquals(
        heatmap, bytes("/api/slides/S-1/heatmap.png?classifier=api%20tumor&class=api%20tumor"));

    assertEquals(204, send("DELETE", PATH, null).statusCode());
    assertEquals(404, send("GET", PATH, null).statusCode());
    assertEquals(
        "classifier",
        json(send("GET", "/api/slides/S-1/classify?classifier=api%20tumor", null), 400)
            .get("parameter")
            .asText());
  }

  @Test
  void badRequestsAreRefusedNamingTheField() throws Exception {
    String one = q(relevant.getFirst());
    String other = q(notRelevant.getFirst());
    assertError(
        "{\"name\":\"\",\"relevant\":[" + one + "],\"not_relevant\":[" + other + "]}", "name");
    assertError(
        "{\"name\":\"a/b\",\"relevant\":[" + one + "],\"not_relevant\":[" + other + "]}", "name");
    assertError("{\"name\":\"x\",\"relevant\":[],\"not_relevant\":[" + other + "]}", "relevant");
    assertError("{\"name\":\"x\",\"relevant\":[" + one + "]}", "not_relevant");
    assertError(
        "{\"name\":\"x\",\"relevant\":[" + one + "],\"not_relevant\":[\"no-such-tile\"]}",
        "not_relevant");
    assertError(
        "{\"name\":\"x\",\"relevant\":[" + one + "],\"not_relevant\":[" + one + "]}",
        "not_relevant");
    assertError(
        "{\"name\":\"x\",\"relevant\":["
            + one
            + "],\"not_relevant\":["
            + other
            + "],"
            + "\"method\":\"knn\"}",
        "method");
    JsonNode both =
        json(send("GET", "/api/slides/S-1/classify?prompts=demo-crc9&classifier=x", null), 400);
    assertTrue(both.get("error").asText().contains("prompts"), both.toString());
    assertTrue(both.get("error").asText().contains("classifier"), both.toString());
    JsonNode unknown =
        json(send("GET", "/api/slides/S-1/heatmap.png?classifier=x&class=x", null), 400);
    assertTrue(unknown.get("error").asText().contains("GET /api/classifiers"), unknown.toString());
    assertEquals(404, send("PUT", "/api/classifiers/x", request(null, null)).statusCode());
    assertEquals(404, send("DELETE", "/api/classifiers/x", null).statusCode());
  }

  private static void assertError(String body, String field) throws Exception {
    JsonNode error = json(send("POST", "/api/classifiers", body), 400);
    assertEquals(field, error.get("parameter").asText(), error.toString());
  }

  /**
   * Checks the GeoJSON's per-tile probabilities and the slide's pooled result against {@code
   * prototypes} (positive, negative); returns the per-tile probabilities.
   */
  private static Map<String, Double> checkTilesAndSlide(float[][] prototypes) throws Exception {
    JsonNode geo =
        json(send("GET", "/api/slides/S-1/zeroshot.geojson?classifier=api%20tumor", null), 200);
    Map<String, Double> probabilities = new TreeMap<>();
    List<double[]> cosines = new ArrayList<>();
    for (JsonNode feature : geo.get("features")) {
      String id = feature.path("properties").get("name").asText();
      double[] cos = {
        dot(slideTiles.get(id), prototypes[0]), dot(slideTiles.get(id), prototypes[1])
      };
      cosines.add(cos);
      double[] p = softmax(cos);
      JsonNode m = feature.path("properties").get("measurements");
      assertEquals(p[0], m.get("p(" + NAME + ")").asDouble(), 1e-5, id);
      assertEquals(p[1], m.get("p(not " + NAME + ")").asDouble(), 1e-5, id);
      assertEquals(
          p[0] >= p[1] ? NAME : "not " + NAME,
          feature.path("properties").path("classification").get("name").asText());
      probabilities.put(id, m.get("p(" + NAME + ")").asDouble());
    }
    assertEquals(slideTiles.size(), probabilities.size());
    // The slide: per class the mean of its top-K tile cosines, K as the default pooling sets it.
    int k = SlidePooling.DEFAULT.kFor(cosines.size());
    double[] pooled = new double[2];
    for (int c = 0; c < 2; c++) {
      final int cls = c;
      double[] column = cosines.stream().mapToDouble(v -> v[cls]).sorted().toArray();
      pooled[c] = Arrays.stream(column, column.length - k, column.length).average().orElseThrow();
    }
    JsonNode slide = classifySlide();
    double[] p = softmax(pooled);
    assertEquals(p[0], slide.path("probabilities").get(NAME).asDouble(), 1e-5);
    assertEquals(p[1], slide.path("probabilities").get("not " + NAME).asDouble(), 1e-5);
    assertEquals(NAME, slide.get("classifier").asText());
    assertEquals("topk:" + k, slide.get("pooling").asText());
    assertTrue(
        slide.get("heatmap_url").asText().contains("classifier=" + ApiJson.query(NAME)),
        slide.toString());
    return probabilities;
  }

  private static JsonNode classifySlide() throws Exception {
    return json(send("GET", "/api/slides/S-1/classify?classifier=api%20tumor", null), 200);
  }

  /** The normalised mean, in double precision, of the stored vectors of {@code ids} (and extra). */
  private static float[] mean(List<String> ids, float[] extra) {
    double[] sum = new double[stored.values().iterator().next().length];
    List<float[]> rows = new ArrayList<>();
    ids.forEach(id -> rows.add(stored.get(id)));
    if (extra != null) {
      rows.add(extra);
    }
    for (float[] row : rows) {
      for (int d = 0; d < sum.length; d++) {
        sum[d] += row[d];
      }
    }
    double norm = Math.sqrt(Arrays.stream(sum).map(x -> x * x).sum());
    float[] unit = new float[sum.length];
    for (int d = 0; d < sum.length; d++) {
      unit[d] = (float) (sum[d] / norm);
    }
    return unit;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int d = 0; d < a.length; d++) {
      s += (double) a[d] * b[d];
    }
    return s;
  }

  private static double[] softmax(double[] scores) {
    double max = Math.max(scores[0], scores[1]);
    double a = Math.exp(logitScale * (scores[0] - max));
    double b = Math.exp(logitScale * (scores[1] - max));
    return new double[] {a / (a + b), b / (a + b)};
  }

  private static String request(String name, String prompt) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    if (name != null) {
      body.put("name", name);
    }
    relevant.forEach(body.putArray("relevant")::add);
    notRelevant.forEach(body.putArray("not_relevant")::add);
    if (prompt != null) {
      body.put("prompt", prompt);
    }
    return body.toString();
  }

  private static String q(String text) {
    return JSON.getNodeFactory().textNode(text).toString();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return OpenApiContract.SERVED.check(
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private static byte[] bytes(String path) throws Exception {
    HttpResponse<byte[]> response = TestRequests.getBytes(server.port(), path);
    assertEquals(200, response.statusCode());
    return response.body();
  }
}
