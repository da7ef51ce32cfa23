package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Token guessing is slowed to ten wrong tries a minute per client address. */
@ExtendWith(ServedIndex.Resolver.class)
class WrongTokensTest {

  @Test
  void theEleventhWrongTryInAMinuteWaitsUntilTheFirstLeavesTheWindow() {
    AtomicLong now = new AtomicLong();
    WrongTokens tries = new WrongTokens(now::get);
    for (int i = 0; i < WrongTokens.MAX; i++) {
      assertEquals(0, tries.secondsToWait("10.0.0.1"));
      tries.record("10.0.0.1");
      now.addAndGet(1_000_000_000L); // one a second
    }
    assertEquals(WrongTokens.WINDOW_SECONDS - WrongTokens.MAX, tries.secondsToWait("10.0.0.1"));
    assertEquals(0, tries.secondsToWait("10.0.0.2"), "another address is not held back");
    now.addAndGet((WrongTokens.WINDOW_SECONDS - WrongTokens.MAX) * 1_000_000_000L);
    assertEquals(0, tries.secondsToWait("10.0.0.1"));
  }

  @Test
  void aGuardedServerAnswers429AfterTenWrongSignInsEvenToTheRightToken(ServedIndex index)
      throws Exception {
    try (PathLensServer server = index.start(ServedIndex.TOKEN, 1 << 20, 100_000, 1, 4)) {
      for (int i = 0; i < WrongTokens.MAX; i++) {
        assertEquals(401, signIn(server, "{\"token\": \"guess-" + i + "\"}").statusCode());
      }
      HttpResponse<String> limited = signIn(server, "{\"token\": \"" + ServedIndex.TOKEN + "\"}");
      assertEquals(429, limited.statusCode(), limited.body());
      assertTrue(limited.headers().firstValue("Retry-After").isPresent());
      assertTrue(limited.body().contains("too many wrong tokens from"), limited.body());
    }
  }

  private static HttpResponse<String> signIn(PathLensServer server, String body)
      throws IOException, InterruptedException {
    return OpenApiContract.SERVED.check(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
  }
}
