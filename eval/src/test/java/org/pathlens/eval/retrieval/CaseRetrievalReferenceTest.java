package org.pathlens.eval.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.Retrieval;
import org.pathlens.testkit.TestData;

/**
 * Every case retrieval number at every level against fixtures/golden/retrieval/cases.json, which
 * fixtures/scripts/case_retrieval_reference.py computes in numpy from Patho-Bench's definitions: 48
 * patients of 4 classes in 3 centers, 2-3 slides each, some slides with a tile of another class.
 */
class CaseRetrievalReferenceTest {

  static JsonNode ref;
  static CaseItems.Tiles tiles;

  @BeforeAll
  static void read() throws IOException {
    ref = new ObjectMapper().readTree(TestData.golden("retrieval").resolve("cases.json").toFile());
    tiles = tiles(ref, true);
  }

  static CaseItems.Tiles tiles(JsonNode ref, boolean withPatients) {
    List<String> ids = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> slides = new ArrayList<>();
    List<String> patients = new ArrayList<>();
    for (int i = 0; i < ref.get("ids").size(); i++) {
      ids.add(ref.get("ids").get(i).asText());
      embeddings.add(floats(ref.get("embeddings").get(i)));
      labels.add(ref.get("labels").get(i).asText());
      slides.add(ref.get("slides").get(i).asText());
      patients.add(withPatients ? ref.get("patients").get(i).asText() : null);
    }
    return new CaseItems.Tiles(ids, embeddings, labels, slides, patients);
  }

  static CaseItems items(JsonNode level) {
    CaseItems.Tiles from = level.get("patients").asBoolean() ? tiles : tiles(ref, false);
    JsonNode fusion = level.get("fusion");
    return CaseItems.of(
        from,
        RetrievalLevel.parse(level.get("level").asText()),
        fusion.isNull() ? null : PatientFusion.parse(fusion.asText()));
  }

  static List<Integer> ks() {
    List<Integer> ks = new ArrayList<>();
    ref.get("ks").forEach(k -> ks.add(k.asInt()));
    return ks;
  }

  @Test
  void everyMetricAtEveryLevelMatchesTheNumpyReference() {
    for (JsonNode level : ref.get("levels")) {
      String name = level.get("name").asText();
      CaseItems items = items(level);
      assertEquals(
          texts(ref.get("item_ids").get(name)), items.ids(), name + ": the items, in id order");
      assertEquals(
          texts(ref.get("item_labels").get(name)), items.labels(), name + ": their labels");
      assertEquals(ref.get("mixed").get(name).asInt(), items.mixedLabels(), name);
      List<MetricValue> values = CaseRetrieval.run(items, ks(), new Bootstrap(200, 1, 0.95));
      JsonNode expected = ref.get("expected").get(name);
      Map<String, Double> measured = new TreeMap<>();
      for (MetricValue v : values) {
        measured.put(v.name(), v.value());
        assertTrue(
            v.interval().lower() <= v.value() + 1e-12 && v.value() <= v.interval().upper() + 1e-12,
            name + " " + v);
      }
      List<String> expectedNames = new ArrayList<>();
      expected.fieldNames().forEachRemaining(expectedNames::add);
      Collections.sort(expectedNames);
      assertEquals(expectedNames, new ArrayList<>(measured.keySet()), name + ": metric names");
      for (String metric : expectedNames) {
        assertEquals(
            expected.get(metric).asDouble(), measured.get(metric), 1e-9, name + " " + metric);
      }
    }
  }

  @Test
  void slideEmbeddingsAreTheNumpyMeanOfTheirUnitTiles() {
    CaseItems slides = CaseItems.of(tiles, RetrievalLevel.SLIDE, null);
    ref.get("pooled_slides")
        .fields()
        .forEachRemaining(
            e -> {
              float[] pooled = slides.embeddings().get(slides.ids().indexOf(e.getKey()));
              assertArrayEquals(floats(e.getValue()), pooled, 1e-6f, e.getKey());
            });
  }

  /**
   * The reference tells Patho-Bench's rules from the other common ones, so a switch to SISH's
   * first-seen tie rule or its mAP (divided by the hits, not by k) would fail above.
   */
  @Test
  void theReferenceSeparatesPathoBenchsRulesFromSishs() {
    CaseItems slides = CaseItems.of(tiles, RetrievalLevel.SLIDE, null);
    int[][] rankings = CaseRetrieval.rankings(slides, 5);
    String[] labels = slides.labels().toArray(String[]::new);
    JsonNode expected = ref.get("expected").get("slide");
    // Ties among the top 3 happen to tiles here (three labels once each).
    CaseItems tileItems = CaseItems.of(tiles, RetrievalLevel.TILE, null);
    String[] tileLabels = tileItems.labels().toArray(String[]::new);
    assertNotEquals(
        ref.get("expected").get("tile").get("tile_mv@3").asDouble(),
        Retrieval.mean(
            Retrieval.majorityVoteAtK(
                CaseRetrieval.rankings(tileItems, 3), tileLabels, tileLabels, 3)),
        1e-9);
    assertNotEquals(
        expected.get("slide_map@5").asDouble(),
        Retrieval.mean(Retrieval.averagePrecisionAtK(rankings, labels, labels, 5)),
        1e-9);
    // And leaving out only the query slide (not its patient) scores differently.
    assertNotEquals(
        expected.get("slide_acc@1").asDouble(),
        ref.get("expected").get("slide_without_patients").get("slide_acc@1").asDouble(),
        1e-9);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return out;
  }
}
