package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.testkit.TestData;

/**
 * Prompt screening against NumPy (fixtures/scripts/make_prompt_screening_golden.py →
 * fixtures/golden/prompt-screening/screening.json): every variant's score, the ranking with its tie
 * rule, how many are kept and the screened class embeddings, on random unit vectors.
 */
class PromptScreeningTest {

  static JsonNode golden;
  static PromptEmbeddings embeddings;
  static List<float[]> tiles;

  @BeforeAll
  static void load() throws IOException {
    golden =
        new ObjectMapper()
            .readTree(TestData.golden("prompt-screening").resolve("screening.json").toFile());
    int templates = golden.get("templates").asInt();
    List<String> templateTexts = new ArrayList<>();
    for (int t = 0; t < templates; t++) {
      templateTexts.add("template " + t + " of " + PromptSet.PLACEHOLDER);
    }
    Map<String, List<String>> classes = new LinkedHashMap<>();
    JsonNode vectors = golden.get("vectors");
    float[][][][] v = new float[vectors.size()][][][];
    for (int c = 0; c < vectors.size(); c++) {
      String id = golden.get("classes").get(c).get("id").asText();
      List<String> synonyms = new ArrayList<>();
      v[c] = new float[vectors.get(c).size()][templates][];
      for (int s = 0; s < v[c].length; s++) {
        synonyms.add(id + " name " + s);
        for (int t = 0; t < templates; t++) {
          v[c][s][t] = floats(vectors.get(c).get(s).get(t));
        }
      }
      classes.put(id, synonyms);
    }
    embeddings = new PromptEmbeddings(new PromptSet("golden", "random", templateTexts, classes), v);
    tiles = new ArrayList<>();
    golden.get("tiles").forEach(t -> tiles.add(floats(t)));
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  static PromptScreening screen() {
    return PromptScreening.screen(
        embeddings,
        tiles,
        golden.get("logit_scale").asDouble(),
        golden.get("keep_fraction").asDouble());
  }

  @Test
  void scoresRanksAndKeptVariantsMatchNumpy() {
    PromptScreening result = screen();
    assertEquals(tiles.size(), result.tiles());
    for (JsonNode expectedClass : golden.get("classes")) {
      String id = expectedClass.get("id").asText();
      List<PromptScreening.Variant> ranked = result.variantsOf(id);
      JsonNode expected = expectedClass.get("ranked");
      assertEquals(expected.size(), ranked.size(), id);
      for (int r = 0; r < ranked.size(); r++) {
        PromptScreening.Variant got = ranked.get(r);
        JsonNode want = expected.get(r);
        String where = id + " rank " + (r + 1);
        assertEquals(want.get("synonym").asInt(), got.synonym(), where);
        assertEquals(want.get("template").asInt(), got.template(), where);
        assertEquals(want.get("score").asDouble(), got.score(), 1e-6, where);
        assertEquals(r + 1, got.rank(), where);
        assertEquals(r < expectedClass.get("kept").asInt(), got.kept(), where);
        assertEquals(
            "template " + got.template() + " of " + id + " name " + got.synonym(),
            got.prompt(),
            where);
      }
    }
  }

  @Test
  void theScreenedClassEmbeddingsAreTheMeanOfTheKeptPromptsAsNumpyMakesThem() {
    PromptScreening result = screen();
    JsonNode expected = golden.get("screened_class_embeddings");
    for (int c = 0; c < expected.size(); c++) {
      assertArrayEquals(floats(expected.get(c)), result.classEmbeddings()[c], 1e-6f, "class " + c);
    }
    // Keeping every variant is the full ensemble, exactly.
    PromptScreening all =
        PromptScreening.screen(embeddings, tiles, golden.get("logit_scale").asDouble(), 1.0);
    float[][] full = embeddings.classEmbeddings();
    for (int c = 0; c < full.length; c++) {
      assertArrayEquals(full[c], all.classEmbeddings()[c], 0f);
    }
    assertTrue(all.variants().stream().allMatch(PromptScreening.Variant::kept));
  }

  @Test
  void theExactTieGoesToTheEarlierSynonymAndTheReportNamesTheKeptPrompts() {
    List<PromptScreening.Variant> b = screen().variantsOf("B");
    // Synonym 2 of B repeats synonym 0: same scores, synonym 0 first.
    assertEquals(b.get(1).score(), b.get(2).score(), 0.0);
    assertEquals(0, b.get(1).synonym());
    assertEquals(2, b.get(2).synonym());
    List<String> report = screen().report();
    assertEquals(3, report.size());
    assertTrue(
        report.get(1).startsWith("B: kept 3 of 6 on 12 tiles: \"template 0 of B name 1\" 0.93"),
        report.get(1));
    assertTrue(report.get(2).startsWith("C: kept 1 of 2 on 12 tiles: "), report.get(2));
  }

  @Test
  void theSameTilesGiveTheSameResult() {
    PromptScreening a = screen();
    PromptScreening b = screen();
    assertEquals(a.variants(), b.variants());
    for (int c = 0; c < a.classEmbeddings().length; c++) {
      assertArrayEquals(a.classEmbeddings()[c], b.classEmbeddings()[c], 0f);
    }
  }

  @Test
  void noTilesOrAShareOutsideZeroToOneIsRefused() {
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> PromptScreening.screen(embeddings, List.of(), 20, 0.5));
    assertTrue(none.getMessage().contains("needs tiles"), none.getMessage());
    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> PromptScreening.screen(embeddings, tiles, 20, bad));
      assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
    }
  }

  @Test
  void theKeptCountIsTheCeilingOfTheShareAndAtLeastOne() {
    assertEquals(9, PromptScreening.keptCount(18, 0.5));
    assertEquals(3, PromptScreening.keptCount(5, 0.5));
    assertEquals(1, PromptScreening.keptCount(2, 0.1));
    assertEquals(18, PromptScreening.keptCount(18, 1.0));
  }
}
