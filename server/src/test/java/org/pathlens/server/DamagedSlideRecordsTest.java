package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.PngFiles;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * Slide records gone or damaged cost their own slide only. A slide tile whose record is gone: its
 * image is a JSON 404 naming the slide, never the whole slide file its source names (the issue saw
 * a 15.8 MB PNG of the slide under every tile).
 */
class DamagedSlideRecordsTest {

  @TempDir Path tmp;

  @Test
  void aSlideTileWithoutItsSlideRecordIsANotFoundNeverTheWholeSlide() throws Exception {
    Path slide =
        SyntheticSlide.write(
                tmp.resolve("s1.tiff"),
                new SyntheticSlide.Options(
                    1536, 1024, "center-a", 5, 7, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    Path dir = tmp.resolve("index");
    String tileId;
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            TileIndex.open(dir, IndexProvenance.of(model), IndexSettings.defaults())) {
      new SlideIngest(
              model.images(),
              TilingOptions.defaults(),
              TissueDetector.defaults(),
              16,
              1,
              SlideIngest.DEFAULT_THUMBNAIL_SIZE)
          .ingest(List.of(slide), index, IngestListener.NONE);
      List<TileRecord> tiles = new ArrayList<>();
      index.forEachTile(TileFilter.slide("s1"), t -> tiles.add(t.record()));
      tileId = tiles.getFirst().id();
    }
    try (PathLensServer server = start(dir)) {
      String url = "/api/tiles/" + ApiJson.segments(tileId) + "/image";
      HttpResponse<String> withRecord = TestRequests.get(server.port(), url);
      assertEquals(200, withRecord.statusCode(), withRecord.body());
      Files.delete(dir.resolve(SlideRecord.RECORDS).resolve("s1.json"));
      HttpResponse<String> without = TestRequests.get(server.port(), url);
      assertEquals(404, without.statusCode(), without.body());
      assertTrue(
          without.body().contains("is a region of slide s1, whose record is missing"),
          without.body());
      assertEquals("application/json", without.headers().firstValue("Content-Type").orElse(""));
      // A damaged record of another slide costs that slide only: the list names it apart.
      Path other = dir.resolve(SlideRecord.RECORDS).resolve("s2.json");
      Files.writeString(other, "{\"slide_id\": \"s2\", \"path\": garbled");
      HttpResponse<String> list = TestRequests.get(server.port(), "/api/slides");
      assertEquals(200, list.statusCode(), list.body());
      assertTrue(list.body().contains("\"unreadable\":[{\"slide_id\":\"s2\""), list.body());
      assertTrue(!list.body().contains(dir.toString()), "no server path: " + list.body());
      HttpResponse<String> page = TestRequests.get(server.port(), "/api/slides/s2");
      assertEquals(500, page.statusCode(), page.body());
      assertTrue(page.body().contains("its record cannot be read"), page.body());
    }
  }

  /**
   * A thumbnail that fails its record's hash, or (a record of an earlier version, without one) does
   * not decode, is a JSON error for its slide, never {@code image/png} garbage; other slides' stay.
   */
  @Test
  void aDamagedThumbnailIsAJsonErrorForItsSlideOnly() throws Exception {
    List<Path> slides = new ArrayList<>();
    for (String id : List.of("t1", "t2", "t3")) {
      slides.add(
          SyntheticSlide.write(
                  tmp.resolve(id + ".tiff"),
                  new SyntheticSlide.Options(
                      896, 672, "center-a", 5, 7, PyramidTiffWriter.Compression.JPEG, 1))
              .slide());
    }
    Path dir = tmp.resolve("index");
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            TileIndex.open(dir, IndexProvenance.of(model), IndexSettings.defaults())) {
      new SlideIngest(
              model.images(), TilingOptions.defaults(), TissueDetector.defaults(), 16, 1, 128)
          .ingest(slides, index, IngestListener.NONE);
    }
    try (PathLensServer server = start(dir)) {
      for (String id : List.of("t1", "t2", "t3")) {
        HttpResponse<byte[]> fine = TestRequests.getBytes(server.port(), thumbnailUrl(id));
        assertEquals(200, fine.statusCode());
        assertArrayEquals(
            Files.readAllBytes(SlideRecord.thumbnailFile(dir, id)), fine.body(), "as stored");
      }
      HttpResponse<String> page = TestRequests.get(server.port(), "/api/slides/t1");
      assertFalse(page.body().contains("sha256"), "no server-side check values: " + page.body());

      // t1: replaced by another PNG that decodes; only the hash tells.
      Files.write(
          SlideRecord.thumbnailFile(dir, "t1"),
          PngFiles.encode(new RgbImage(4, 4, new byte[4 * 4 * 3])));
      // t2: a record of an earlier version (no hash), its thumbnail garbled past the signature.
      SlideRecord.read(dir, "t2").withThumbnailSha256(null).write(dir);
      byte[] png = Files.readAllBytes(SlideRecord.thumbnailFile(dir, "t2"));
      for (int i = 40; i < png.length; i += 7) {
        png[i] = (byte) (png[i] ^ 0x5a);
      }
      Files.write(SlideRecord.thumbnailFile(dir, "t2"), png);

      for (String id : List.of("t1", "t2")) {
        for (String url :
            List.of(thumbnailUrl(id), "/api/slides/" + id + "/image_files/0/0_0.jpeg")) {
          HttpResponse<String> damaged = TestRequests.get(server.port(), url);
          assertEquals(500, damaged.statusCode(), url + ": " + damaged.body());
          assertEquals(
              "application/json", damaged.headers().firstValue("Content-Type").orElse(""), url);
          assertTrue(
              damaged.body().contains("\"slide '" + id + "': its thumbnail is damaged"),
              damaged.body());
          assertFalse(damaged.body().contains(dir.toString()), "no server path: " + damaged.body());
        }
      }
      HttpResponse<byte[]> other = TestRequests.getBytes(server.port(), thumbnailUrl("t3"));
      assertEquals(200, other.statusCode());
      assertEquals("image/png", other.headers().firstValue("Content-Type").orElse(""));
      HttpResponse<String> list = TestRequests.get(server.port(), "/api/slides");
      assertEquals(200, list.statusCode(), list.body());
    }
  }

  private static String thumbnailUrl(String id) {
    return "/api/slides/" + id + "/thumbnail.png";
  }

  private static PathLensServer start(Path dir) throws IOException {
    return PathLensServer.start(
        new ServerConfig(
            IndexLocation.of(dir),
            Fixtures.demoBundle(),
            null,
            "127.0.0.1",
            0,
            null,
            1 << 20,
            ImageDecoder.DEFAULT_MAX_PIXELS,
            1,
            4,
            null,
            EncoderOptions.defaults()));
  }
}
