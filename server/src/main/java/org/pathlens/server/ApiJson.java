package org.pathlens.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.pathlens.index.PatientPooling;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideHit;
import org.pathlens.index.query.HitJson;
import org.pathlens.prompts.ClassProbabilities;

/** The JSON and URL shapes the routes share. */
final class ApiJson {

  private ApiJson() {}

  /**
   * Tile hits as the API answers them: the command line's shape, no server path, a thumbnail URL.
   */
  static ObjectNode tileHits(PathLensServer server, List<SearchHit> hits) {
    ArrayNode list = server.array();
    for (int i = 0; i < hits.size(); i++) {
      ObjectNode hit = HitJson.tileNode(i + 1, hits.get(i));
      // The source is a path on the server: only its file name leaves it, for a tile that no
      // slide position identifies (a tile of a folder).
      JsonNode source = hit.remove("source");
      if (source != null && !(hit.has("x") && hit.has("y"))) {
        hit.put("file_name", Path.of(source.asText()).getFileName().toString());
      }
      hit.put("thumbnail_url", "/api/tiles/" + segments(hits.get(i).id()) + "/image");
      list.add(hit);
    }
    ObjectNode body = server.object();
    body.set("hits", list);
    return body;
  }

  /** Slide hits; a slide with a page gets its URL. */
  /** Patient hits, each with its rank, cosine and slide count. */
  static ObjectNode patientHits(PathLensServer server, List<PatientPooling.PatientHit> hits) {
    ArrayNode list = server.array();
    for (int i = 0; i < hits.size(); i++) {
      list.add(HitJson.patientNode(i + 1, hits.get(i)));
    }
    ObjectNode body = server.object();
    body.set("patients", list);
    return body;
  }

  /** Patients with their slides, each slide with its page's URL where it has one. */
  static ObjectNode cases(PathLensServer server, Map<String, List<String>> cases)
      throws IOException {
    Set<String> recorded = Set.copyOf(server.slideIds());
    ArrayNode list = server.array();
    for (Map.Entry<String, List<String>> patient : cases.entrySet()) {
      ObjectNode node = list.addObject();
      node.put("patient_id", patient.getKey());
      ArrayNode slides = node.putArray("slides");
      for (String slide : patient.getValue()) {
        ObjectNode s = slides.addObject();
        s.put("slide_id", slide);
        if (recorded.contains(slide)) {
          s.put("url", "/api/slides/" + segment(slide));
        }
      }
    }
    ObjectNode body = server.object();
    body.set("patients", list);
    return body;
  }

  static ObjectNode slideHits(PathLensServer server, List<SlideHit> hits) throws IOException {
    ArrayNode list = server.array();
    Set<String> recorded = Set.copyOf(server.slideIds());
    for (int i = 0; i < hits.size(); i++) {
      ObjectNode hit = HitJson.slideNode(i + 1, hits.get(i));
      // Only a slide with a record has a page; a tile folder's slide id would point at a 404.
      if (recorded.contains(hits.get(i).slideId())) {
        hit.put("url", "/api/slides/" + segment(hits.get(i).slideId()));
      }
      list.add(hit);
    }
    ObjectNode body = server.object();
    body.set("slides", list);
    return body;
  }

  static void putResult(ObjectNode body, ClassProbabilities result) {
    body.put("prediction", result.prediction());
    ObjectNode probabilities = body.putObject("probabilities");
    for (int c = 0; c < result.classIds().size(); c++) {
      probabilities.put(result.classIds().get(c), result.probabilities()[c]);
    }
  }

  static TileImages.Encoded png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return new TileImages.Encoded(out.toByteArray(), "image/png");
  }

  /** A path segment: percent-encoded, with spaces as %20. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Path segments: each part between slashes percent-encoded, the slashes kept. */
  static String segments(String value) {
    return String.join("/", Arrays.stream(value.split("/", -1)).map(ApiJson::segment).toList());
  }

  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
