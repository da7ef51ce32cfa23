package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexUnavailableException;
import org.pathlens.index.cluster.LocalCluster;

/**
 * A server over a cluster index without replicas while a node dies and comes back: every read is a
 * 503 with {@code Retry-After} (never a 200 from the shards that are left), and once the node is
 * back the same server answers whole again, without a restart.
 */
class PartialClusterApiTest {

  @TempDir Path tmp;

  @Test
  void aNodeDownIsA503NotAPartialAnswerAndRecoveryNeedsNoRestart() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.start(
            tmp.resolve("cluster"), 2, 0, LocalCluster.DEFAULT_HEAP, Duration.ofMinutes(3))) {
      IndexLocation location = IndexLocation.parse(cluster.endpoint() + "/tiles");
      try (PathLensServer server =
          SmallIndexServer.start(Fixtures.demoBundle(), tmp, null, location)) {
        // No replicas: a dead node's shards have no other copy to answer from.
        HttpResponse<String> settings =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(cluster.endpoint() + "/tiles/_settings"))
                        .header("Content-Type", "application/json")
                        .PUT(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"index\": {\"number_of_replicas\": 0}}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, settings.statusCode(), settings.body());
        cluster.awaitGreen(Duration.ofMinutes(1));
        HttpResponse<String> whole = TestRequests.get(server.port(), "/api/search?text=fat&k=3");
        assertEquals(200, whole.statusCode(), whole.body());
        cluster.kill(1);
        try {
          for (String read :
              new String[] {
                "/api/search?text=fat&k=3", "/api/facets", "/api/search?text=fat&mode=keywords"
              }) {
            HttpResponse<String> down = TestRequests.get(server.port(), read);
            assertEquals(503, down.statusCode(), read + ": " + down.body());
            assertEquals(
                String.valueOf(IndexUnavailableException.RETRY_AFTER_SECONDS),
                down.headers().firstValue("Retry-After").orElse(null),
                read);
            assertTrue(
                down.body().contains("a partial answer is never served"),
                read + ": " + down.body());
            assertTrue(
                !down.body().contains("127.0.0.1"), "the cluster's address stays in the log");
          }
        } finally {
          cluster.restart(1);
          cluster.awaitGreen(Duration.ofMinutes(3));
        }
        HttpResponse<String> again = TestRequests.get(server.port(), "/api/search?text=fat&k=3");
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(whole.body(), again.body());
      }
    }
  }
}
