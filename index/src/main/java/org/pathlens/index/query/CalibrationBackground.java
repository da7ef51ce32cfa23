package org.pathlens.index.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed, versioned texts a text query is calibrated against ({@link ScoreCalibration}):
 * everyday phrases that name no tissue, and generic pathology phrases that name no finding ("a
 * histology slide"). A query whose best tile scores no higher than what these reach on the same
 * tiles has found nothing its words pick out. The list is the resource {@code
 * calibration-background.json}; changing it changes its version, and every recorded calibration
 * made with another version is recomputed.
 *
 * @param version the list's version, recorded with every calibration made from it
 * @param unrelated everyday phrases
 * @param generic pathology phrases that name no finding
 */
public record CalibrationBackground(String version, List<String> unrelated, List<String> generic) {

  private static final String RESOURCE = "calibration-background.json";

  private static final CalibrationBackground STANDARD = load();

  /** The committed list. */
  public static CalibrationBackground standard() {
    return STANDARD;
  }

  private static CalibrationBackground load() {
    try (InputStream in = CalibrationBackground.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      return new CalibrationBackground(
          root.get("version").asText(), texts(root.get("unrelated")), texts(root.get("generic")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every text, unrelated ones first, in the resource's order. */
  public List<String> texts() {
    List<String> all = new ArrayList<>(unrelated);
    all.addAll(generic);
    return List.copyOf(all);
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return List.copyOf(texts);
  }
}
