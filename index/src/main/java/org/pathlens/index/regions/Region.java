package org.pathlens.index.regions;

import java.util.List;

/**
 * One annotation a pathologist drew: its polygons (one for a GeoJSON Polygon, several for a
 * MultiPolygon; a point is inside when any of them holds it) with QuPath's classification and name.
 *
 * @param className QuPath's {@code properties.classification.name} ({@code Tumor}), or null for an
 *     unclassified annotation
 * @param name QuPath's {@code properties.name}, or null when the annotation has none
 * @param feature the annotation's place among the file's features, from 1, for messages
 * @param polygons its polygons, at least one
 */
public record Region(String className, String name, int feature, List<Polygon> polygons) {

  public Region {
    polygons = List.copyOf(polygons);
    if (polygons.isEmpty()) {
      throw new IllegalArgumentException("a region needs a polygon");
    }
  }

  public boolean contains(double x, double y) {
    for (Polygon polygon : polygons) {
      if (polygon.contains(x, y)) {
        return true;
      }
    }
    return false;
  }

  /** The box around all its polygons. */
  public BoundingBox bounds() {
    BoundingBox box = polygons.getFirst().bounds();
    for (Polygon polygon : polygons) {
      box = box.union(polygon.bounds());
    }
    return box;
  }

  /** Its area in square level-0 pixels. */
  public double area() {
    return polygons.stream().mapToDouble(Polygon::area).sum();
  }

  /** How a message names it: {@code feature 3 ('Tumor 1', class Tumor)}. */
  public String describe() {
    StringBuilder text = new StringBuilder("feature ").append(feature);
    if (name != null || className != null) {
      text.append(" (");
      if (name != null) {
        text.append('\'').append(name).append('\'');
      }
      if (className != null) {
        text.append(name != null ? ", " : "").append("class ").append(className);
      }
      text.append(')');
    }
    return text.toString();
  }
}
