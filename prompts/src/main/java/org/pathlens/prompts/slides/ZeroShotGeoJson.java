package org.pathlens.prompts.slides;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.OptionalDouble;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.Classifier;

/**
 * A slide's zero-shot tile classification as GeoJSON that QuPath imports (File › Import objects, or
 * drag and drop) and RFC 7946 validators accept: a FeatureCollection with one Polygon per tile in
 * level-0 pixel coordinates. Each Feature's {@code id} is the tile's {@link TileUuids UUID} (the
 * same in every export of the index, as QuPath wants object ids); its properties are QuPath's: the
 * {@link QuPathObjectType object type}, {@code name} (the tile id), the predicted class as {@code
 * classification} (with a colour per class) and the class probabilities as {@code measurements},
 * {@code p(<class>)}. What describes the whole collection (slide id, tile side) is the foreign
 * member {@code pathlens}: RFC 7946 §7.1 forbids {@code properties} on a FeatureCollection.
 */
public final class ZeroShotGeoJson {

  /**
   * Colours of classes in prompt-set order: Tableau's ten categorical colours (distinct for most
   * colour vision), repeated past ten classes.
   */
  private static final int[][] PALETTE = {
    {31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189},
    {140, 86, 75}, {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}
  };

  private static final ObjectMapper JSON = new ObjectMapper();

  private ZeroShotGeoJson() {}

  /**
   * Classifies the tiles of {@code slideId} and returns their FeatureCollection.
   *
   * @throws IllegalArgumentException when the index has no tile of the slide, or a tile records no
   *     position
   */
  public static ObjectNode of(
      TileIndex index, String slideId, Classifier classifier, QuPathObjectType objectType)
      throws IOException {
    List<TileClassification> tiles = IndexClassifier.slide(index, slideId, classifier);
    TileFootprint footprint =
        TileFootprint.of(
            tiles.stream().map(TileClassification::tile).toList(), sideFromRecord(index, slideId));
    return featureCollection(
        index.location().identity(), slideId, classifier.classIds(), tiles, footprint, objectType);
  }

  /** The tile side from the slide's record (a one-tile slide has no grid to read it from). */
  private static OptionalDouble sideFromRecord(TileIndex index, String slideId) {
    try {
      return index
          .slideRecords()
          .find(slideId)
          .map(r -> OptionalDouble.of(r.tileSize() * r.tileMpp() / r.mppX()))
          .orElse(OptionalDouble.empty());
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  /**
   * @param indexIdentity the index's {@link org.pathlens.index.IndexLocation#identity()}, which the
   *     tiles' UUIDs are derived from
   */
  static ObjectNode featureCollection(
      String indexIdentity,
      String slideId,
      List<String> classIds,
      List<TileClassification> tiles,
      TileFootprint footprint,
      QuPathObjectType objectType) {
    ObjectNode collection = JSON.createObjectNode();
    collection.put("type", "FeatureCollection");
    ArrayNode features = collection.putArray("features");
    double side = footprint.side0();
    for (TileClassification tile : tiles) {
      TileRecord record = tile.tile();
      ObjectNode feature = features.addObject();
      feature.put("type", "Feature");
      feature.put("id", TileUuids.of(indexIdentity, record.id()).toString());
      ObjectNode geometry = feature.putObject("geometry");
      geometry.put("type", "Polygon");
      double x = record.x();
      double y = record.y();
      ArrayNode ring = geometry.putArray("coordinates").addArray();
      for (double[] corner :
          new double[][] {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}, {x, y}}) {
        ring.addArray().add(corner[0]).add(corner[1]);
      }
      ObjectNode properties = feature.putObject("properties");
      properties.put("objectType", objectType.qupathName());
      properties.put("name", record.id());
      ClassProbabilities result = tile.result();
      int predicted = result.predictedIndex();
      ObjectNode classification = properties.putObject("classification");
      classification.put("name", classIds.get(predicted));
      ArrayNode color = classification.putArray("color");
      for (int channel : PALETTE[predicted % PALETTE.length]) {
        color.add(channel);
      }
      ObjectNode measurements = properties.putObject("measurements");
      for (int c = 0; c < classIds.size(); c++) {
        measurements.put("p(" + classIds.get(c) + ")", result.probabilities()[c]);
      }
    }
    // A foreign member (RFC 7946 §6.1): "properties" here would make the file invalid GeoJSON.
    ObjectNode about = collection.putObject("pathlens");
    about.put("slide_id", slideId);
    about.put("tile_side_level0", side);
    return collection;
  }
}
