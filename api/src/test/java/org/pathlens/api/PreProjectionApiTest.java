package org.pathlens.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.TextNotComparableException;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.NanBundleImages;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.TileFolderIngest;

/**
 * A bundle whose image embeddings are pre-projection features ({@code image.feature}, as {@code
 * pathlens export conch --image-feature pre-projection} writes): image search is served, while text
 * search and zero-shot get a JSON 422 saying why, never a cosine between two spaces.
 */
class PreProjectionApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PathLensServer server;

  @BeforeAll
  static void start() throws Exception {
    Path bundle = dir.resolve("bundle");
    try (Stream<Path> files = Files.walk(Fixtures.demoBundle())) {
      for (Path p : files.toList()) {
        Path target = bundle.resolve(Fixtures.demoBundle().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    JsonNode model = JSON.readTree(bundle.resolve("model.json").toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) model.get("image"))
        .put("feature", "pre-projection");
    JSON.writeValue(bundle.resolve("model.json").toFile(), model);

    Path tiles = Files.createDirectories(dir.resolve("tiles"));
    for (int i = 0; i < 3; i++) {
      ImageIO.write(
          NanBundleImages.tissue(64, 64, i), "png", tiles.resolve("t" + i + ".png").toFile());
    }
    try (VisionLanguageModel vlm = VisionLanguageModel.load(bundle, EncoderOptions.defaults());
        TileIndex index =
            TileIndex.open(
                dir.resolve("index"), IndexProvenance.of(vlm), IndexSettings.defaults())) {
      new TileFolderIngest(vlm.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 4, 1)
          .ingest(tiles, null, index, IngestListener.NONE);
    }
    server =
        PathLensServer.start(
            new ServerConfig(
                dir.resolve("index"),
                bundle,
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

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void imageSearchIsServedAndTextIsRefusedWithAReason() throws Exception {
    HttpResponse<String> image = post("/api/search", png());
    assertEquals(200, image.statusCode(), image.body());

    for (HttpResponse<String> refused :
        new HttpResponse[] {
          get("/api/search?text=fat"), post("/api/classify?prompts=demo-crc9", png())
        }) {
      assertEquals(422, refused.statusCode(), refused.body());
      assertEquals(
          TextNotComparableException.REASON, JSON.readTree(refused.body()).get("error").asText());
      assertTrue(!refused.body().contains(dir.toString()), "no server path in " + refused.body());
    }
  }

  private static byte[] png() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(NanBundleImages.tissue(64, 64, 9), "png", out);
    return out.toByteArray();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return TestRequests.get(server.port(), path);
  }

  private static HttpResponse<String> post(String path, byte[] image) throws Exception {
    return TestRequests.postImage(server.port(), path, image);
  }
}
