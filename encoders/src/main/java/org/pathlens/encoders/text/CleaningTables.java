package org.pathlens.encoders.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tables that Python's {@code html.unescape} and ftfy clean text with, generated from those
 * modules by {@code fixtures/scripts/make_text_clean_tables.py} (not typed by hand, so that a table
 * cannot drift from the code it stands for). Loaded once.
 */
final class CleaningTables {

  static final CleaningTables INSTANCE = load();

  /** {@code html.entities.html5}: names with and without the ';' that Python accepts bare. */
  final Map<String, String> html5;

  /** {@code html._invalid_charrefs}: numeric references the HTML5 standard maps elsewhere. */
  final Map<Integer, String> invalidCharrefs;

  /** {@code html._invalid_codepoints}: numeric references Python drops. */
  final Set<Integer> invalidCodepoints;

  /** ftfy's {@code chardata.HTML_ENTITIES}: "&name;" (and some upper-cased) to the text. */
  final Map<String, String> ftfyEntities;

  final Map<Integer, String> ligatures;
  final Map<Integer, String> widthMap;
  final Set<Integer> controlChars;

  /**
   * The code points Python's {@code str.isspace()}, {@code re}'s {@code \\s} and {@code split()}
   * take.
   */
  final Set<Integer> whitespace;

  /** ftfy's {@code badness.BADNESS_RE}: a match is what makes ftfy try to repair mojibake. */
  final Pattern badness;

  private CleaningTables(JsonNode json) {
    html5 = strings(json.get("html5"));
    invalidCharrefs = byCodePoint(json.get("invalid_charrefs"));
    invalidCodepoints = codePoints(json.get("invalid_codepoints"));
    ftfyEntities = strings(json.get("ftfy_entities"));
    ligatures = byCodePoint(json.get("ligatures"));
    widthMap = byCodePoint(json.get("width_map"));
    controlChars = codePoints(json.get("control_chars"));
    whitespace = codePoints(json.get("whitespace"));
    badness =
        Pattern.compile(
            json.get("badness_re").asText(),
            json.get("badness_ignore_case").asBoolean()
                ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE
                : 0);
  }

  private static CleaningTables load() {
    try (InputStream in = CleaningTables.class.getResourceAsStream("text_clean_tables.json")) {
      if (in == null) {
        throw new IllegalStateException("text_clean_tables.json is missing from the classpath");
      }
      return new CleaningTables(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> map = new HashMap<>();
    node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return Map.copyOf(map);
  }

  private static Map<Integer, String> byCodePoint(JsonNode node) {
    Map<Integer, String> map = new HashMap<>();
    node.properties().forEach(e -> map.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
    return Map.copyOf(map);
  }

  private static Set<Integer> codePoints(JsonNode node) {
    Set<Integer> set = new HashSet<>();
    node.forEach(n -> set.add(n.asInt()));
    return Set.copyOf(set);
  }
}
