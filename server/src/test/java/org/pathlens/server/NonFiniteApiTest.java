package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.testkit.NanBundleImages;
import org.pathlens.testkit.TestData;

/**
 * The API over the nan-on-red bundle (NaN for pure-red images and for texts with an unknown
 * character, real TorchScript): a request whose embedding is not finite gets one JSON 500 that says
 * so, never a 200 carrying NaN; the next good request is served as usual.
 */
class NonFiniteApiTest {

  private static final Path BUNDLE = TestData.bundle(NanBundleImages.BUNDLE);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static PathLensServer server;

  @BeforeAll
  static void start() throws Exception {
    Path prompts = Files.createDirectories(dir.resolve("prompts"));
    Files.writeString(
        prompts.resolve("plain.json"),
        """
        {"name": "plain", "description": "plain words only", "templates": ["an image of CLASSNAME"],
         "classes": {"FAT": ["fat"], "LYM": ["lymphocytes"]}}""");
    Files.writeString(
        prompts.resolve("shouting.json"),
        """
        {"name": "shouting", "description": "unknown characters", "templates": ["CLASSNAME!"],
         "classes": {"FAT": ["fat"], "LYM": ["lymphocytes"]}}""");
    server = SmallIndexServer.start(BUNDLE, dir, prompts);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void anImageWhoseEmbeddingIsNotFiniteGetsAJson500AndNoResult() throws Exception {
    for (String path : List.of("/api/search", "/api/similar", "/api/classify?prompts=plain")) {
      HttpResponse<String> response = post(path, png(true));
      assertNonFinite(response);
      assertEquals(200, post(path, png(false)).statusCode(), path + " with a finite image");
    }
  }

  @Test
  void aTextWhoseEmbeddingIsNotFiniteGetsAJson500() throws Exception {
    assertNonFinite(get("/api/search?text=" + URLEncoder.encode("fat!", StandardCharsets.UTF_8)));
    assertEquals(200, get("/api/search?text=fat").statusCode());
    // Prompts whose class embeddings are not finite: no classifier is built from them, nothing is
    // cached.
    assertNonFinite(post("/api/classify?prompts=shouting", png(false)));
    assertNonFinite(post("/api/classify?prompts=shouting", png(false)));
  }

  private static void assertNonFinite(HttpResponse<String> response) throws Exception {
    assertEquals(500, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertEquals(
        "the model produced a non-finite output (NaN or infinity) for this request; no result is served",
        body.get("error").asText());
    assertTrue(
        !response.body().contains("NaN\"") && !response.body().contains(":NaN"), response.body());
  }

  private static byte[] png(boolean red) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(
        red ? NanBundleImages.red(64, 64) : NanBundleImages.tissue(64, 64, 9), "png", out);
    return out.toByteArray();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return TestRequests.get(server.port(), path);
  }

  private static HttpResponse<String> post(String path, byte[] image) throws Exception {
    return TestRequests.postImage(server.port(), path, image);
  }
}
