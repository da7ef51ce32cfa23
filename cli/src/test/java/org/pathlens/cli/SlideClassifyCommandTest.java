package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.prompts.slides.TileUuids;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTile;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * {@code classify --index [--per-slide]} and {@code heatmap} on a generated slide indexed with the
 * demo bundle.
 */
class SlideClassifyCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void tilesSlidesAndHeatmapFromAnIndex() throws IOException {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("S-1.tiff"),
                new SyntheticSlide.Options(
                    2048, 1536, "center-a", 5, 7, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path indexDir = tmp.resolve("index");
    int tiles = indexSlide(slide, "S-1", indexDir);
    String model = Fixtures.demoBundle().toString();
    String prompts =
        Fixtures.root()
            .resolve("prompts/src/main/resources/org/pathlens/prompts/sets/demo-crc9.json")
            .toString();
    String cache = tmp.resolve("cache").toString();

    CliRun perTile =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--filter",
            "x:[0 TO 700]",
            "--cache",
            cache);
    assertEquals(0, perTile.exitCode());
    List<String> ids = new ArrayList<>();
    for (String line : perTile.outLines()) {
      JsonNode json = JSON.readTree(line);
      ids.add(json.get("input").asText());
      assertEquals(9, json.get("probabilities").size());
      assertTrue(json.get("input").asText().startsWith("S-1@"), line);
    }
    assertEquals(ids.stream().sorted().toList(), ids);
    assertTrue(ids.size() > 0 && ids.size() < tiles, ids.size() + " of " + tiles);

    CliRun slides =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--per-slide",
            "--cache",
            cache);
    assertEquals(0, slides.exitCode());
    assertEquals(1, slides.outLines().size());
    JsonNode line = JSON.readTree(slides.outLines().getFirst());
    assertEquals(
        List.of("slide_id", "prediction", "probabilities", "tiles", "pooling"), fieldNames(line));
    assertEquals("S-1", line.get("slide_id").asText());
    assertEquals("STR", line.get("prediction").asText());
    assertEquals(tiles, line.get("tiles").asInt());
    assertEquals("topk:5", line.get("pooling").asText());

    CliRun mean =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--per-slide",
            "--pooling",
            "mean",
            "--cache",
            cache);
    assertEquals("mean", JSON.readTree(mean.outLines().getFirst()).get("pooling").asText());
    CliRun top50 =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--per-slide",
            "--top-k",
            "50",
            "--cache",
            cache);
    assertEquals(
        "topk:" + tiles,
        JSON.readTree(top50.outLines().getFirst()).get("pooling").asText()); // K capped at n
    // K above the tile count is every tile: the same probabilities as mean pooling.
    assertEquals(
        JSON.readTree(mean.outLines().getFirst()).get("probabilities"),
        JSON.readTree(top50.outLines().getFirst()).get("probabilities"));

    CliRun both =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--per-slide",
            "--top-k",
            "5",
            "--pooling",
            "mean");
    assertEquals(2, both.exitCode());
    CliRun noSlides =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            prompts,
            "--images",
            tmp.toString(),
            "--per-slide");
    assertEquals(2, noSlides.exitCode());
    assertTrue(noSlides.err().contains("--index"), noSlides.err());

    Path png = tmp.resolve("out/heat.png"), sheet = tmp.resolve("out/sheet.png");
    CliRun heatmap =
        CliRun.of(
            "heatmap",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--slide",
            "S-1",
            "--class",
            "TUM",
            "--out",
            png.toString(),
            "--contact-sheet",
            sheet.toString(),
            "--top",
            "3",
            "--thumbnail-size",
            "512",
            "--cache",
            cache);
    assertEquals(0, heatmap.exitCode());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(
        512 + 12 + 16 + 20 + 48 + 12,
        image.getWidth()); // thumbnail 512 x 384 plus margins and colour bar
    assertEquals(40 + 384 + 12, image.getHeight());
    assertTrue(ImageIO.read(sheet.toFile()).getHeight() > 9 * 128);

    CliRun badClass =
        CliRun.of(
            "heatmap",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--slide",
            "S-1",
            "--class",
            "CANCER",
            "--out",
            png.toString());
    assertEquals(2, badClass.exitCode());
    assertTrue(badClass.err().contains("CANCER") && badClass.err().contains("TUM"), badClass.err());
    CliRun badSlide =
        CliRun.of(
            "heatmap",
            "--model",
            model,
            "--prompts",
            prompts,
            "--index",
            indexDir.toString(),
            "--slide",
            "S-9",
            "--class",
            "TUM",
            "--out",
            png.toString());
    assertEquals(2, badSlide.exitCode());
    assertTrue(badSlide.err().contains("'S-9'"), badSlide.err());
  }

  /**
   * {@code --geojson}: one QuPath feature per tile, a closed square of the grid's stride at the
   * tile's level-0 position, classified as the per-tile output classifies the same tile, with its
   * probabilities as measurements.
   */
  @Test
  void slideTilesAsGeoJsonForQuPath() throws IOException {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("S-2.tiff"),
                new SyntheticSlide.Options(
                    1536, 1024, "center-b", 5, 3, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path indexDir = tmp.resolve("index");
    int tiles = indexSlide(slide, "S-2", indexDir);
    String model = Fixtures.demoBundle().toString();
    Path out = tmp.resolve("geojson");
    CliRun run =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            "demo-crc9",
            "--index",
            indexDir.toString(),
            "--per-slide",
            "--geojson",
            out.toString(),
            "--no-cache");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode collection = JSON.readTree(out.resolve("S-2.geojson").toFile());
    assertEquals("FeatureCollection", collection.get("type").asText());
    JsonNode features = collection.get("features");
    assertEquals(tiles, features.size());
    assertEquals("S-2", collection.get("pathlens").get("slide_id").asText());
    double side = collection.get("pathlens").get("tile_side_level0").asDouble();
    assertEquals(224.0, side); // the grid's stride: 224 px tiles at 0.5 µm/px on a 0.5 µm/px slide

    CliRun perTile =
        CliRun.of(
            "classify",
            "--model",
            model,
            "--prompts",
            "demo-crc9",
            "--index",
            indexDir.toString(),
            "--no-cache");
    Map<String, JsonNode> byId = new java.util.HashMap<>();
    for (String line : perTile.outLines()) {
      JsonNode json = JSON.readTree(line);
      byId.put(json.get("input").asText(), json);
    }
    String identity = indexDir.toRealPath().toString();
    for (JsonNode feature : features) {
      // QuPath's object id is the tile's UUID; the tile id is its name.
      String id = feature.get("properties").get("name").asText();
      assertEquals(TileUuids.of(identity, id).toString(), feature.get("id").asText(), id);
      JsonNode ring = feature.get("geometry").get("coordinates").get(0);
      assertEquals(5, ring.size(), id);
      assertEquals(ring.get(0), ring.get(4), id + ": the ring is closed");
      String[] position = id.substring(id.indexOf('@') + 1).split(",");
      assertEquals(Double.parseDouble(position[0]), ring.get(0).get(0).asDouble(), id);
      assertEquals(Double.parseDouble(position[1]), ring.get(0).get(1).asDouble(), id);
      assertEquals(ring.get(0).get(0).asDouble() + side, ring.get(2).get(0).asDouble(), id);
      assertEquals(ring.get(0).get(1).asDouble() + side, ring.get(2).get(1).asDouble(), id);
      JsonNode properties = feature.get("properties");
      assertEquals("tile", properties.get("objectType").asText());
      JsonNode expected = byId.get(id);
      assertEquals(
          expected.get("prediction").asText(),
          properties.get("classification").get("name").asText(),
          id);
      assertEquals(3, properties.get("classification").get("color").size());
      JsonNode measurements = properties.get("measurements");
      assertEquals(9, measurements.size());
      expected
          .get("probabilities")
          .fields()
          .forEachRemaining(
              p ->
                  assertEquals(
                      p.getValue().asDouble(),
                      measurements.get("p(" + p.getKey() + ")").asDouble(),
                      1e-6,
                      id + " " + p.getKey()));
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * What an ingest does: tiles of the slide, demo-bundle embeddings, records with slide, position
   * and source.
   */
  static int indexSlide(Path slide, String slideId, Path indexDir) throws IOException {
    try (VisionLanguageModel model =
            VisionLanguageModel.load(
                Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
        SlideReader reader = SlideReaders.open(slide);
        TileIndex index =
            TileIndex.open(
                indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults())) {
      SlideTiler tiler = SlideTiler.of(reader, TilingOptions.defaults(), TissueDetector.defaults());
      List<SlideTile> tiles = tiler.tiles().toList();
      List<TileRecord> records =
          tiles.stream()
              .map(
                  t ->
                      new TileRecord(
                          TileIds.ofPosition(
                              slideId, (int) t.position().x(), (int) t.position().y()),
                          slideId,
                          null,
                          null,
                          null,
                          null,
                          null,
                          null,
                          (int) t.position().x(),
                          (int) t.position().y(),
                          tiler.plan().tileMpp(),
                          slide.toString(),
                          Map.of()))
              .toList();
      index.add(records, model.images().encode(tiles.stream().map(SlideTile::image).toList()));
      return records.size();
    }
  }
}
