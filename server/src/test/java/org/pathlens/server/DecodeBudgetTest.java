package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.ImageHeader;

/**
 * The decode-memory budget the uploads share, over real HTTP: an upload reserves what its header
 * says decoding it takes, waits for room a bounded time, then is refused with 503 and {@code
 * Retry-After}; one that could never fit is a 413 naming the option.
 */
@ExtendWith(ServedIndex.Resolver.class)
class DecodeBudgetTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * 8 MB: a 224 px tile (about 0.3 MB decoded) fits; a 1,200 px square RGB image (8.6 MB) never.
   */
  private static final long BUDGET = 8L << 20;

  private static PathLensServer server;
  private static byte[] tile;

  @BeforeAll
  static void start(ServedIndex index) throws IOException {
    server = index.startWithDecodeMemory(BUDGET, ImageDecoder.DEFAULT_MAX_PIXELS, 2, 8);
    tile = Files.readAllBytes(index.tiles().resolve(index.manifest().get(3).path()));
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anImageWhoseDecodeIsOverTheWholeBudgetIsA413NamingTheOption() throws Exception {
    HttpResponse<String> answer = post(png(1200, 1200));
    assertEquals(413, answer.statusCode(), answer.body());
    JsonNode body = JSON.readTree(answer.body());
    assertEquals("image", body.get("parameter").asText());
    String error = body.get("error").asText();
    assertTrue(
        error.startsWith("tile.png: decoding this 1200x1200 PNG (24 bits a pixel) takes 9 MB")
            && error.contains("decode-memory budget of 8 MB (--decode-memory-mb)"),
        error);
    assertEquals(BUDGET, server.decodeBudget().available(), "nothing stays reserved");
  }

  @Test
  void anUploadWaitsForRoomThenIsRefusedWith503AndRetryAfter() throws Exception {
    assertEquals(200, post(tile).statusCode(), "a tile fits");

    // Other decodes hold the whole budget.
    ImageHeader others = new ImageHeader("PNG", 1398, 1000, 24); // 1,398,000 px x 6 bytes
    DecodeBudget.Reservation held =
        server.decodeBudget().reserve(others, others.decodedBytes(), "others");
    long start = System.nanoTime();
    HttpResponse<String> refused = post(tile);
    long waitedMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(503, refused.statusCode(), refused.body());
    assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
    String error = JSON.readTree(refused.body()).get("error").asText();
    assertTrue(
        error.startsWith("the server is decoding other uploads: this image needs 1 MB")
            && error.contains("(--decode-memory-mb)"),
        error);
    assertTrue(
        waitedMs >= DecodeBudget.DEFAULT_WAIT_MILLIS - 100,
        "it waited for room before refusing: " + waitedMs + " ms");

    // Room freed while an upload waits: it is served, not refused.
    CompletableFuture<HttpResponse<String>> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post(tile);
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    Thread.sleep(500);
    held.close();
    held.close(); // a second close gives back nothing more
    HttpResponse<String> served = waiting.get(30, TimeUnit.SECONDS);
    assertEquals(200, served.statusCode(), served.body());
    assertEquals(BUDGET, server.decodeBudget().available(), "every reservation was given back");
  }

  @Test
  void anImageOverTheExactDecodeThresholdIsDecodedAtReducedScaleAndServed() throws Exception {
    // 5,000 px square: 150 MB decoded in full, far over the budget; at reduced scale (every 5th
    // pixel of every 5th row, 1,000 px kept of 5,000: 4 x 224 or more) 6 MB, within it.
    HttpResponse<String> answer = post(png(5000, 5000));
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(1, JSON.readTree(answer.body()).get("hits").size());
    assertEquals(BUDGET, server.decodeBudget().available());
  }

  private static HttpResponse<String> post(byte[] image) throws Exception {
    return TestRequests.postImage(server.port(), "/api/search?k=1", image);
  }

  /** Flat 32 px squares of colour as a PNG: small on the wire, {@code w × h × 6} bytes decoded. */
  private static byte[] png(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int y = 0, i = 0; y < height; y++) {
      for (int x = 0; x < width; x++, i += 3) {
        bgr[i] = (byte) 128;
        bgr[i + 1] = (byte) (y / 32);
        bgr[i + 2] = (byte) (x / 32);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
