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

  @BeforeAll
  static void start() throws Exception {
    IndexLocation location = IndexLocation.of(dir.resolve("index"));
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            TileIndex.open(location, IndexProvenance.of(model), IndexSettings.defaults())) {
      // Six slides of three patients, four tissue-like tiles each.
      ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
      List<TileRecord> tiles = new ArrayList<>();
      List<float[]> embeddings = new ArrayList<>();
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
            "/api/search?text=fat&level=patient",
            "/api/search?text=fat&level=slide&mode=keywords",
            "/api/similar?slide=P1-S0&exclude_patient=true")) {
      HttpResponse<String> refused = get(bad);
      assertEquals(400, refused.statusCode(), bad + ": " + refused.body());
      assertTrue(JSON.readTree(refused.body()).has("error"), refused.body());
    }
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
