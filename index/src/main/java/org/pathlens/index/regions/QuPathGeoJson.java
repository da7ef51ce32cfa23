package org.pathlens.index.regions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the annotations QuPath exports ({@code File > Export objects as GeoJSON}) as {@link
 * SlideRegions}: a GeoJSON FeatureCollection, a single Feature, or QuPath's plain array of
 * features; Polygon and MultiPolygon geometries (also inside a GeometryCollection), holes included,
 * in level-0 pixels. A feature's class is QuPath's {@code properties.classification.name} (a
 * derived class's {@code names} joined by ": ", as QuPath shows it), its name {@code
 * properties.name}.
 *
 * <p>Only annotations are regions: features whose {@code properties.objectType} names another
 * QuPath object (a detection, a cell, a tile), or whose {@code id} does in QuPath 0.2's exports
 * ({@code PathDetectionObject}), are left out, as are points and lines. A file that does not parse,
 * is not GeoJSON, or has no polygon annotation is refused in one line naming it.
 */
public final class QuPathGeoJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What fixes a file that is not what QuPath exports, for messages. */
  static final String HOW_TO_EXPORT =
      "export the slide's annotations from QuPath with File > Export objects as GeoJSON";

  private QuPathGeoJson() {}

  /**
   * The regions of {@code file}.
   *
   * @throws IllegalArgumentException naming the file when it is not GeoJSON, a geometry is
   *     malformed, or it has no polygon annotation
   * @throws IOException when it cannot be read
   */
  public static SlideRegions read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file
              + " is not GeoJSON (not JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + "): "
              + HOW_TO_EXPORT,
          e);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException(file + " is empty, not GeoJSON: " + HOW_TO_EXPORT);
    }
    List<JsonNode> features = features(file, root);
    List<Region> regions = new ArrayList<>();
    int others = 0;
    for (int i = 0; i < features.size(); i++) {
      JsonNode feature = features.get(i);
      JsonNode properties = feature.path("properties");
      if (!isAnnotation(feature)) {
        others++;
        continue;
      }
      List<Polygon> polygons = new ArrayList<>();
      try {
        addPolygons(feature.path("geometry"), polygons);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            file + ": feature " + (i + 1) + ": " + e.getMessage() + "; " + HOW_TO_EXPORT, e);
      }
      if (polygons.isEmpty()) {
        others++;
        continue;
      }
      regions.add(
          new Region(
              className(properties.path("classification")),
              text(properties.path("name")),
              i + 1,
              polygons));
    }
    if (regions.isEmpty()) {
      throw new IllegalArgumentException(
          file
              + " has no polygon annotation ("
              + features.size()
              + " feature"
              + (features.size() == 1 ? "" : "s")
              + (others > 0 ? ", none a Polygon or MultiPolygon annotation" : "")
              + "): draw the regions as areas (rectangle, ellipse, polygon, brush) and "
              + HOW_TO_EXPORT);
    }
    return new SlideRegions(file, regions);
  }

  /**
   * Whether a feature is an annotation: QuPath 0.3 and later say so in {@code
   * properties.objectType}; QuPath 0.2 named the object's type in the feature's {@code id} ({@code
   * PathDetectionObject}); a feature that says neither (another tool's) is taken as one.
   */
  private static boolean isAnnotation(JsonNode feature) {
    String objectType = text(feature.path("properties").path("objectType"));
    if (objectType != null) {
      return objectType.equalsIgnoreCase("annotation");
    }
    String id = text(feature.path("id"));
    return id == null || !QUPATH_02_OTHER_OBJECTS.contains(id);
  }

  /** The {@code id} QuPath 0.2 gave objects that are not annotations. */
  private static final Set<String> QUPATH_02_OTHER_OBJECTS =
      Set.of("PathDetectionObject", "PathCellObject", "PathTileObject", "TMACoreObject");

  /** The features of a FeatureCollection, a Feature, an array of them or a bare geometry. */
  private static List<JsonNode> features(Path file, JsonNode root) {
    List<JsonNode> features = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(features::add);
      return features;
    }
    String type = text(root.path("type"));
    if ("FeatureCollection".equals(type) && root.path("features").isArray()) {
      root.path("features").forEach(features::add);
    } else if ("Feature".equals(type)) {
      features.add(root);
    } else if ("Polygon".equals(type)
        || "MultiPolygon".equals(type)
        || "GeometryCollection".equals(type)) {
      features.add(JSON.createObjectNode().set("geometry", root));
    } else {
      throw new IllegalArgumentException(
          file
              + " is not GeoJSON: "
              + (type == null ? "no \"type\" member" : "type \"" + type + "\"")
              + " where a FeatureCollection, a Feature or an array of features was expected; "
              + HOW_TO_EXPORT);
    }
    return features;
  }

  /** Adds the polygons of {@code geometry}; points and lines add none. */
  private static void addPolygons(JsonNode geometry, List<Polygon> polygons) {
    if (geometry.isMissingNode() || geometry.isNull()) {
      return;
    }
    String type = text(geometry.path("type"));
    JsonNode coordinates = geometry.path("coordinates");
    switch (type == null ? "" : type) {
      case "Polygon" -> polygons.add(polygon(coordinates));
      case "MultiPolygon" -> {
        if (!coordinates.isArray()) {
          throw new IllegalArgumentException("a MultiPolygon's coordinates must be an array");
        }
        for (JsonNode part : coordinates) {
          polygons.add(polygon(part));
        }
      }
      case "GeometryCollection" -> {
        for (JsonNode member : geometry.path("geometries")) {
          addPolygons(member, polygons);
        }
      }
      case "Point", "MultiPoint", "LineString", "MultiLineString" -> {}
      default ->
          throw new IllegalArgumentException(
              type == null
                  ? "its geometry has no \"type\""
                  : "geometry type \"" + type + "\" is not GeoJSON");
    }
  }

  /** A polygon from its GeoJSON coordinates: rings of [x, y] positions, the outer ring first. */
  private static Polygon polygon(JsonNode rings) {
    if (!rings.isArray() || rings.isEmpty()) {
      throw new IllegalArgumentException(
          "a Polygon's coordinates must be a list of rings of [x, y] positions");
    }
    List<double[]> parsed = new ArrayList<>();
    for (JsonNode ring : rings) {
      if (!ring.isArray()) {
        throw new IllegalArgumentException("a Polygon's ring must be a list of [x, y] positions");
      }
      double[] xy = new double[2 * ring.size()];
      for (int k = 0; k < ring.size(); k++) {
        JsonNode position = ring.get(k);
        if (!position.isArray()
            || position.size() < 2
            || !position.get(0).isNumber()
            || !position.get(1).isNumber()) {
          throw new IllegalArgumentException(
              "position " + (k + 1) + " of a ring is " + position + ", not [x, y]");
        }
        xy[2 * k] = position.get(0).asDouble();
        xy[2 * k + 1] = position.get(1).asDouble();
      }
      parsed.add(xy);
    }
    return new Polygon(parsed);
  }

  /**
   * QuPath's class: {@code {"name": "Tumor", "color": [...]}}, or for a derived class {@code
   * "names": ["Tumor", "Positive"]}; a plain string as other tools write it.
   */
  private static String className(JsonNode classification) {
    if (classification.isTextual()) {
      return blankToNull(classification.asText());
    }
    String name = text(classification.path("name"));
    if (name != null) {
      return name;
    }
    JsonNode names = classification.path("names");
    if (names.isArray() && !names.isEmpty()) {
      List<String> parts = new ArrayList<>();
      names.forEach(n -> parts.add(n.asText()));
      return blankToNull(String.join(": ", parts));
    }
    return null;
  }

  private static String text(JsonNode node) {
    return node.isTextual() ? blankToNull(node.asText()) : null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
