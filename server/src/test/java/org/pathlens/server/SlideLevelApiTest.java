package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideVector;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.testkit.NanBundleImages;

/**
 * Slides as wholes over HTTP: {@code GET /api/search?level=slide} ranks slides by their stored mean
 * embedding, {@code GET /api/similar?method=embedding&exclude_patient=true} leaves the query's
 * patient out, and both answer as the OpenAPI document says (every answer is checked against it).
 */
class SlideLevelApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PathLensServer server;
  private static final Map<String, SlideVector> vectors = new HashMap<>();
  private static float[] fat;
  private static final List<TileRecord> tiles = new ArrayList<>();
  private static final List<float[]> embeddings = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    IndexLocation location = IndexLocation.of(dir.resolve("index"));
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            TileIndex.open(location, IndexProvenance.of(model), IndexSettings.defaults())) {
      // Six slides of three patients, four tissue-like tiles each.
      ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
      for (int s = 0; s < 6; s++) {
        String slide = "P" + (s / 2) + "-S" + (s % 2);
        for (int t = 0; t < 4; t++) {
          tiles.add(
              TileRecord.of(
                  Map.of(
                      TileFields.ID,
                      TileIds.ofPosition(slide, t * 64, 0),
                      TileFields.SLIDE_ID,
                      slide,
                      TileFields.PATIENT_ID,
                      "P" + (s / 2),
                      TileFields.X,
                      t * 64,
                      TileFields.Y,
                      0,
                      TileFields.SOURCE,
                      "/slides/" + slide + ".svs"),
                  Map.of()));
          Path png = dir.resolve(slide + "-" + t + ".png");
          ImageIO.write(NanBundleImages.tissue(64, 64, 10 * s + t), "png", png.toFile());
          embeddings.add(model.images().encode(decoder.decode(png)));
        }
      }
      index.add(tiles, embeddings);
      index.slideVectors().write(SlidePooling.mean(index, TileFilter.ALL));
      index.slideVectors().forEach(SlidePooling.MEAN, v -> vectors.put(v.slideId(), v));
      fat = model.texts().encode("fat");
    }
    server =
        PathLensServer.start(
            new ServerConfig(
                location,
                Fixtures.demoBundle(),
                null,
                "127.0.0.1",
                0,
                null,
                1 << 20,
                ImageDecoder.DEFAULT_MAX_PIXELS,
                1,
                4,
                null,
                EncoderOptions.defaults()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void slidesAreSearchedByTextAndCasesOfOtherPatientsFound() throws Exception {
    assertEquals(6, vectors.size());
    HttpResponse<String> search = get("/api/search?text=fat&level=slide&k=3");
    assertEquals(200, search.statusCode(), search.body());
    List<String> want =
        vectors.values().stream()
            .sorted(
                Comparator.comparingDouble((SlideVector v) -> -Embeddings.dot(fat, v.embedding()))
                    .thenComparing(SlideVector::slideId))
            .limit(3)
            .map(SlideVector::slideId)
            .toList();
    assertEquals(want, slideIds(search));

    HttpResponse<String> similar = get("/api/similar?slide=P1-S0&method=embedding&k=10");
    assertEquals(200, similar.statusCode(), similar.body());
    assertTrue(slideIds(similar).contains("P1-S1"), similar.body());
    HttpResponse<String> others =
        get("/api/similar?slide=P1-S0&method=embedding&exclude_patient=true&k=10");
    assertEquals(200, others.statusCode(), others.body());
    assertEquals(List.of(), slideIds(others).stream().filter(s -> s.startsWith("P1-")).toList());
    assertEquals(4, slideIds(others).size());

    for (String bad :
        List.of(
            "/api/search?text=fat&level=case",
            "/api/search?text=fat&level=patient&fusion=middle",
            "/api/search?text=fat&level=slide&mode=keywords",
            "/api/similar?slide=P1-S0&exclude_patient=true")) {
      HttpResponse<String> refused = get(bad);
      assertEquals(400, refused.statusCode(), bad + ": " + refused.body());
      assertTrue(JSON.readTree(refused.body()).has("error"), refused.body());
    }
  }

  /**
   * Patients over HTTP: {@code level=patient} ranks them by the cosine of the mean of their slide
   * vectors (late fusion) or of all their tiles (early), as computed here from what the index
   * stores; {@code similar?patient=} leaves the query patient out; {@code /api/patients} lists each
   * patient with its slides.
   */
  @Test
  void patientsAreSearchedByTextListedAndComparedByBothFusions() throws Exception {
    Map<String, double[]> late = new TreeMap<>();
    vectors.values().forEach(v -> accumulate(late, v.patientId(), v.embedding()));
    List<String> wantLate = ranked(late, fat);
    HttpResponse<String> search = get("/api/search?text=fat&level=patient&k=3");
    assertEquals(200, search.statusCode(), search.body());
    assertEquals(wantLate, patientIds(search));
    for (JsonNode hit : JSON.readTree(search.body()).get("patients")) {
      assertEquals(2, hit.get("slides").asInt());
    }
    Map<String, double[]> early = new TreeMap<>();
    for (int i = 0; i < tiles.size(); i++) {
      accumulate(early, tiles.get(i).patientId(), embeddings.get(i));
    }
    HttpResponse<String> byTiles = get("/api/search?text=fat&level=patient&k=3&fusion=early");
    assertEquals(200, byTiles.statusCode(), byTiles.body());
    assertEquals(ranked(early, fat), patientIds(byTiles));

    HttpResponse<String> similar = get("/api/similar?patient=P1&k=5");
    assertEquals(200, similar.statusCode(), similar.body());
    float[] p1 = unit(late.get("P1"));
    Map<String, double[]> others = new TreeMap<>(late);
    others.remove("P1");
    assertEquals(ranked(others, p1), patientIds(similar));
    assertEquals(404, get("/api/similar?patient=P9").statusCode());

    HttpResponse<String> cases = get("/api/patients");
    assertEquals(200, cases.statusCode(), cases.body());
    JsonNode patients = JSON.readTree(cases.body()).get("patients");
    assertEquals(3, patients.size());
    assertEquals("P1", patients.get(1).get("patient_id").asText());
    assertEquals("P1-S0", patients.get(1).get("slides").get(0).get("slide_id").asText());
    assertEquals("P1-S1", patients.get(1).get("slides").get(1).get("slide_id").asText());
  }

  private static void accumulate(Map<String, double[]> sums, String patient, float[] embedding) {
    double[] sum = sums.computeIfAbsent(patient, p -> new double[embedding.length]);
    for (int d = 0; d < sum.length; d++) {
      sum[d] += embedding[d];
    }
  }

  private static float[] unit(double[] sum) {
    double norm = 0;
    for (double v : sum) {
      norm += v * v;
    }
    float[] unit = new float[sum.length];
    for (int d = 0; d < sum.length; d++) {
      unit[d] = (float) (sum[d] / Math.sqrt(norm));
    }
    return unit;
  }

  /** Patient ids by descending cosine of their normalised sums to {@code query}, ties by id. */
  private static List<String> ranked(Map<String, double[]> sums, float[] query) {
    return sums.entrySet().stream()
        .sorted(
            Comparator.comparingDouble(
                    (Map.Entry<String, double[]> e) -> -Embeddings.dot(query, unit(e.getValue())))
                .thenComparing(Map.Entry::getKey))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static List<String> patientIds(HttpResponse<String> response) throws Exception {
    List<String> ids = new ArrayList<>();
    for (JsonNode patient : JSON.readTree(response.body()).get("patients")) {
      ids.add(patient.get("patient_id").asText());
    }
    return ids;
  }

  private static List<String> slideIds(HttpResponse<String> response) throws Exception {
    List<String> ids = new ArrayList<>();
    for (JsonNode slide : JSON.readTree(response.body()).get("slides")) {
      ids.add(slide.get("slide_id").asText());
    }
    return ids;
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return TestRequests.get(server.port(), path);
  }
}
