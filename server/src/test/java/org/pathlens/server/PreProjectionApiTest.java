package org.pathlens.server;

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
import org.pathlens.encoders.TextNotComparableException;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.NanBundleImages;

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

    server = SmallIndexServer.start(bundle, dir, null);
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
