package org.pathlens.index.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.slides.TilePosition;

/** QuPath's GeoJSON exports read as regions, and the geometry that decides what they hold. */
class QuPathGeoJsonTest {

  @TempDir Path dir;

  /** A 100 x 100 square with a 40 x 40 hole in its middle, wound as QuPath winds it. */
  private static final String SQUARE_WITH_HOLE =
      "[[[0,0],[100,0],[100,100],[0,100],[0,0]],[[30,30],[30,70],[70,70],[70,30],[30,30]]]";

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void aPointIsInsideTheOuterRingAndOutsideEveryHole() {
    Polygon polygon =
        new Polygon(
            List.of(
                new double[] {0, 0, 100, 0, 100, 100, 0, 100},
                new double[] {30, 30, 30, 70, 70, 70, 70, 30}));
    assertTrue(polygon.contains(10, 10));
    assertTrue(polygon.contains(85, 50));
    assertFalse(polygon.contains(50, 50), "in the hole");
    assertFalse(polygon.contains(150, 50), "beside it");
    assertFalse(polygon.contains(-1, 50));
    assertEquals(100 * 100 - 40 * 40, polygon.area(), 1e-9);
    assertEquals(1, polygon.holes());
    assertEquals(new BoundingBox(0, 0, 100, 100), polygon.bounds());
  }

  @Test
  void aConcaveRingHoldsOnlyWhatItEncloses() {
    // A U: two arms joined at the bottom; the gap between the arms is outside.
    Polygon u =
        new Polygon(
            List.of(new double[] {0, 0, 30, 0, 30, 70, 70, 70, 70, 0, 100, 0, 100, 100, 0, 100}));
    assertTrue(u.contains(15, 20));
    assertTrue(u.contains(85, 20));
    assertTrue(u.contains(50, 90));
    assertFalse(u.contains(50, 20), "between the arms");
    assertEquals(100 * 100 - 40 * 70, u.area(), 1e-9);
  }

  /**
   * A row of points tested by binary search over the row's crossings answers exactly as the
   * crossing test does point by point, edges and vertices included: random star-shaped rings with
   * holes, and points on a grid that hits vertices and horizontal edges.
   */
  @Test
  void aRowAnswersAsThePointTestDoes() {
    java.util.Random random = new java.util.Random(5);
    for (int trial = 0; trial < 200; trial++) {
      int n = 3 + random.nextInt(30);
      double[] outer = new double[2 * n];
      for (int i = 0; i < n; i++) {
        double a = 2 * Math.PI * i / n, r = 20 + random.nextInt(30);
        outer[2 * i] = Math.round(50 + r * Math.cos(a));
        outer[2 * i + 1] = Math.round(50 + r * Math.sin(a));
      }
      double[] hole = {40, 40, 40 + random.nextInt(30), 40, 45, 40 + random.nextInt(30)};
      Polygon polygon = new Polygon(List.of(outer, hole));
      for (double y = -2; y <= 102; y += 0.5) {
        Polygon.Row row = polygon.row(y);
        for (double x = -2; x <= 102; x += 0.5) {
          assertEquals(
              polygon.contains(x, y), row.contains(x), "trial " + trial + " at " + x + "," + y);
        }
      }
    }
  }

  @Test
  void aFeatureCollectionGivesClassesNamesHolesAndMultiPolygons() throws IOException {
    Path file =
        write(
            "s.geojson",
            """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "id": "a1",
               "geometry": {"type": "Polygon", "coordinates": %s},
               "properties": {"objectType": "annotation", "name": "T 1",
                              "classification": {"name": "Tumor", "color": [200, 0, 0]}}},
              {"type": "Feature",
               "geometry": {"type": "MultiPolygon", "coordinates": [
                 [[[200,0],[300,0],[300,100],[200,100],[200,0]]],
                 [[[400,0],[500,0],[450,100],[400,0]]]]},
               "properties": {"objectType": "annotation",
                              "classification": {"names": ["Tumor", "Positive"]}}},
              {"type": "Feature",
               "geometry": {"type": "Polygon", "coordinates": [[[0,0],[900,0],[900,900],[0,0]]]},
               "properties": {"objectType": "detection", "classification": {"name": "Cell"}}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5, 5]},
               "properties": {"objectType": "annotation", "name": "a point"}},
              {"type": "Feature",
               "geometry": {"type": "Polygon", "coordinates": [[[0,0],[600,0],[600,600],[0,600],[0,0]]]},
               "properties": {"objectType": "annotation"}}
            ]}
            """
                .formatted(SQUARE_WITH_HOLE));
    SlideRegions regions = QuPathGeoJson.read(file);
    assertEquals(3, regions.regions().size(), "the detection and the point are not regions");
    Region tumor = regions.regions().get(0);
    assertEquals("Tumor", tumor.className());
    assertEquals("T 1", tumor.name());
    assertEquals(1, tumor.feature());
    Region positive = regions.regions().get(1);
    assertEquals("Tumor: Positive", positive.className());
    assertEquals(null, positive.name());
    assertEquals(2, positive.polygons().size());
    assertEquals(new BoundingBox(200, 0, 500, 100), positive.bounds());
    Region plain = regions.regions().get(2);
    assertEquals(null, plain.className());
    assertEquals(5, plain.feature());

    // The smallest region holding a point is the one a tile there records.
    assertEquals(tumor, regions.at(10, 10).orElseThrow());
    assertEquals(plain, regions.at(50, 50).orElseThrow(), "the hole belongs to the larger one");
    assertEquals(positive, regions.at(450, 40).orElseThrow());
    assertEquals(plain, regions.at(350, 50).orElseThrow(), "between the two parts");
    assertTrue(regions.at(700, 50).isEmpty());
    // A tile's centre decides: the tile at (0, 0) of side 40 has its centre (20, 20) in Tumor.
    assertEquals(tumor, regions.at(new TilePosition(0, 0, 0, 0, 40, 40, 1)).orElseThrow());
    assertEquals(plain, regions.at(new TilePosition(1, 1, 40, 40, 40, 40, 1)).orElseThrow());
  }

  @Test
  void aSingleFeatureAndQuPathsArrayOfFeaturesAreRead() throws IOException {
    Path feature =
        write(
            "f.geojson",
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + SQUARE_WITH_HOLE
                + "},\"properties\":{\"classification\":\"Stroma\"}}");
    assertEquals("Stroma", QuPathGeoJson.read(feature).regions().getFirst().className());
    Path array =
        write(
            "a.json",
            "[{\"type\":\"Feature\",\"geometry\":{\"type\":\"GeometryCollection\",\"geometries\":"
                + "[{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]},"
                + "{\"type\":\"Polygon\",\"coordinates\":"
                + SQUARE_WITH_HOLE
                + "}]},\"properties\":{\"name\":\"r\"}}]");
    SlideRegions regions = QuPathGeoJson.read(array);
    assertEquals("r", regions.regions().getFirst().name());
    assertEquals(1, regions.regions().getFirst().polygons().size());
  }

  /** QuPath 0.2 wrote no objectType; its feature id names the kind of object. */
  @Test
  void qupath02DetectionsAreToldFromAnnotationsByTheirId() throws IOException {
    String square = "{\"type\":\"Polygon\",\"coordinates\":" + SQUARE_WITH_HOLE + "}";
    Path file =
        write(
            "q02.geojson",
            "[{\"type\":\"Feature\",\"id\":\"PathAnnotationObject\",\"geometry\":"
                + square
                + ",\"properties\":{\"classification\":{\"name\":\"Tumor\",\"colorRGB\":-3670016},"
                + "\"isLocked\":false,\"measurements\":[]}},"
                + "{\"type\":\"Feature\",\"id\":\"PathCellObject\",\"geometry\":"
                + square
                + ",\"properties\":{\"classification\":{\"name\":\"Positive\"}}}]");
    SlideRegions regions = QuPathGeoJson.read(file);
    assertEquals(1, regions.regions().size());
    assertEquals("Tumor", regions.regions().getFirst().className());
  }

  @Test
  void whatIsNotGeoJsonOrHasNoPolygonIsRefusedNamingTheFile() throws IOException {
    Path notJson = write("slide.geojson", "Image\tName\tClass\nslide.svs\tT1\tTumor\n");
    var e = assertThrows(IllegalArgumentException.class, () -> QuPathGeoJson.read(notJson));
    assertTrue(e.getMessage().startsWith(notJson + " is not GeoJSON (not JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("Export objects as GeoJSON"), e.getMessage());

    Path otherJson = write("b.geojson", "{\"slide\": \"b\", \"regions\": []}");
    e = assertThrows(IllegalArgumentException.class, () -> QuPathGeoJson.read(otherJson));
    assertEquals(
        otherJson
            + " is not GeoJSON: no \"type\" member where a FeatureCollection, a Feature or an array"
            + " of features was expected; "
            + QuPathGeoJson.HOW_TO_EXPORT,
        e.getMessage());

    Path empty = write("e.geojson", "");
    e = assertThrows(IllegalArgumentException.class, () -> QuPathGeoJson.read(empty));
    assertTrue(e.getMessage().startsWith(empty + " is empty"), e.getMessage());

    Path points =
        write(
            "p.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":"
                + "{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":{}}]}");
    e = assertThrows(IllegalArgumentException.class, () -> QuPathGeoJson.read(points));
    assertTrue(
        e.getMessage()
            .startsWith(
                points
                    + " has no polygon annotation (1 feature, none a Polygon or MultiPolygon"
                    + " annotation): draw the regions as areas"),
        e.getMessage());

    Path twoPoints =
        write(
            "t.geojson",
            "[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + SQUARE_WITH_HOLE
                + "}},{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + "[[[0,0],[5,5],[0,0]]]}}]");
    e = assertThrows(IllegalArgumentException.class, () -> QuPathGeoJson.read(twoPoints));
    assertTrue(
        e.getMessage().startsWith(twoPoints + ": feature 2: a ring needs at least three points"),
        e.getMessage());

    Path strings =
        write(
            "s.geojson",
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + "[[[\"0\",\"0\"],[5,5],[0,9]]]}}");
    e = assertThrows(IllegalArgumentException.class, () -> QuPathGeoJson.read(strings));
    assertTrue(
        e.getMessage().startsWith(strings + ": feature 1: position 1 of a ring is [\"0\",\"0\"]"),
        e.getMessage());
  }

  @Test
  void aRegionWhollyOutsideItsSlideIsRefused() throws IOException {
    Path file =
        write(
            "CMU-1.geojson",
            "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                + "[[[5000,10],[6000,10],[6000,900],[5000,10]]]},"
                + "\"properties\":{\"name\":\"far\",\"classification\":{\"name\":\"Tumor\"}}}");
    SlideRegions regions = QuPathGeoJson.read(file);
    regions.requireOnSlide("CMU-1", 6000, 1000); // on a larger slide it fits
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> regions.requireOnSlide("CMU-1", 2220, 2967));
    assertEquals(
        file
            + ": feature 1 ('far', class Tumor) lies outside slide CMU-1 (2220 x 2967 px at level"
            + " 0; the region spans x 5000 to 6000, y 10 to 900): export the annotations of this"
            + " slide's own image from QuPath, in level-0 pixels",
        e.getMessage());
  }
}
