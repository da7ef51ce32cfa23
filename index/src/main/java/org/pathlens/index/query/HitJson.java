package org.pathlens.index.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.TreeMap;
import org.pathlens.index.PatientPooling;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideHit;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileRecord;

/**
 * Search results as one JSON object each, the one shape the command line prints and the API
 * returns: {@code rank, id, score}, where the tile is ({@code slide_id, x, y} for a slide tile,
 * {@code source} for its file), then the metadata that is known (absent keys are unknown), extra
 * metadata last.
 */
public final class HitJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HitJson() {}

  /** A tile hit as one JSON line. */
  public static String tile(int rank, SearchHit hit) {
    return write(tileNode(rank, hit));
  }

  /** A tile hit as the command line prints it; the API adds its thumbnail URL. */
  public static ObjectNode tileNode(int rank, SearchHit hit) {
    ObjectNode line = JSON.createObjectNode();
    line.put("rank", rank);
    line.put("id", hit.id());
    line.put("score", hit.score());
    TileRecord tile = hit.tile();
    if (tile != null) {
      for (TileFields.Field field : TileFields.SCHEMA) {
        Object value = field.value().apply(tile);
        if (value == null || field.name().equals(TileFields.ID)) {
          continue; // the id leads the line already
        }
        switch (value) {
          case Integer i -> line.put(field.name(), i);
          case Double d -> line.put(field.name(), d);
          default -> line.put(field.name(), value.toString());
        }
      }
      new TreeMap<>(tile.extra()).forEach(line::put);
    }
    return line;
  }

  /** A similar-slide hit as one JSON line. */
  public static String slide(int rank, SlideHit hit) {
    return write(slideNode(rank, hit));
  }

  /** A similar-slide hit as the command line prints it. */
  public static ObjectNode slideNode(int rank, SlideHit hit) {
    ObjectNode line = JSON.createObjectNode();
    line.put("rank", rank);
    line.put("slide_id", hit.slideId());
    line.put("score", hit.score());
    line.put("matched_tiles", hit.matchedTiles());
    return line;
  }

  /** A patient hit (patient-level search, similar patients) as one JSON line. */
  public static String patient(int rank, PatientPooling.PatientHit hit) {
    return write(patientNode(rank, hit));
  }

  /** A patient hit: its id, cosine and how many slides its vector pools. */
  public static ObjectNode patientNode(int rank, PatientPooling.PatientHit hit) {
    ObjectNode line = JSON.createObjectNode();
    line.put("rank", rank);
    line.put("patient_id", hit.patientId());
    line.put("score", hit.score());
    line.put("slides", hit.slides());
    return line;
  }

  /**
   * A text search's calibration ({@link ScoreCalibration}): the best hit's cosine, the query's mean
   * cosine over the index's tiles, the contrast's z and verdict, and the background it was measured
   * against. The API's {@code calibration} object; the command line prints it on stderr.
   *
   * @param filtered whether the search had a filter (the background is always the whole index's)
   */
  public static ObjectNode calibrationNode(
      ScoreCalibration calibration, ScoreCalibration.Calibrated best, boolean filtered) {
    ObjectNode node = JSON.createObjectNode();
    node.put("best_score", best.best());
    node.put("mean_score", round(best.mean()));
    node.put("contrast", round(best.contrast()));
    node.put("z", round(best.z()));
    node.put("verdict", best.verdict().words());
    node.put("background_version", calibration.backgroundVersion());
    node.put("background_texts", calibration.backgroundBest().size());
    node.put("background_contrast_mean", round(calibration.contrastMean()));
    node.put("background_contrast_sd", round(calibration.contrastSd()));
    node.put("tiles", calibration.tiles());
    node.put("filtered", filtered);
    return node;
  }

  /** {@link #calibrationNode} as one JSON line. */
  public static String calibration(
      ScoreCalibration calibration, ScoreCalibration.Calibrated best, boolean filtered) {
    return write(calibrationNode(calibration, best, filtered));
  }

  /** Four decimals: more would claim a precision float cosines do not have. */
  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static String write(ObjectNode line) {
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
