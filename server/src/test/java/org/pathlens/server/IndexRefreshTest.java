package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.testkit.NanBundleImages;
import org.pathlens.testkit.TestData;

/** Tiles committed while the server runs become searchable without a restart. */
class IndexRefreshTest {

  private static final Path BUNDLE = TestData.bundle(NanBundleImages.BUNDLE);

  @TempDir Path dir;

  @Test
  void anIngestWhileServingIsSeenWithinSeconds() throws Exception {
    Path indexDir = dir.resolve("index");
    try (VisionLanguageModel model = VisionLanguageModel.load(BUNDLE, EncoderOptions.defaults())) {
      add(indexDir, model, 0, 3);
      try (PathLensServer server =
          PathLensServer.start(
              new ServerConfig(
                  IndexLocation.of(indexDir),
                  BUNDLE,
                  null,
                  "127.0.0.1",
                  0,
                  null,
                  1 << 20,
                  1_000_000,
                  1,
                  4,
                  null,
                  EncoderOptions.defaults()))) {
        assertEquals(3, tiles(server));
        add(indexDir, model, 3, 2); // as a concurrent `pathlens ingest` would
        long deadline = System.nanoTime() + 10_000_000_000L;
        int seen = tiles(server);
        while (seen != 5 && System.nanoTime() < deadline) {
          Thread.sleep(200);
          seen = tiles(server);
        }
        assertEquals(5, seen, "the served index never saw the new commit");
      }
    }
  }

  private static void add(Path indexDir, VisionLanguageModel model, int from, int count)
      throws Exception {
    try (TileIndex index =
        TileIndex.open(indexDir, IndexProvenance.of(model), IndexSettings.defaults())) {
      List<TileRecord> records = new ArrayList<>();
      List<float[]> embeddings = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        records.add(TileRecord.of("t" + i, "t" + i + ".png"));
        embeddings.add(model.images().encode(rgb(i)));
      }
      index.add(records, embeddings);
    }
  }

  private static RgbImage rgb(int seed) {
    var image = NanBundleImages.tissue(64, 64, seed);
    byte[] rgb = new byte[64 * 64 * 3];
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int p = image.getRGB(x, y), i = 3 * (y * 64 + x);
        rgb[i] = (byte) (p >> 16);
        rgb[i + 1] = (byte) (p >> 8);
        rgb[i + 2] = (byte) p;
      }
    }
    return new RgbImage(64, 64, rgb);
  }

  private static int tiles(PathLensServer server) throws Exception {
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(health.body()).get("tiles").asInt();
  }
}
