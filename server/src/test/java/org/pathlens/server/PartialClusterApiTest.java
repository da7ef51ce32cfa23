package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * 503 with {@code Retry-After} (never a 200 from the shards that are left) unless the request says
 * {@code allow_partial=true}, which gets the living shard's answer marked {@code "partial": true}
 * with the shards that answered; once the node is back the same server answers whole again, without
 * a restart, and nothing is marked partial.
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
        int onLivingNode = docsOnNode(cluster, "node-0");
        HttpResponse<String> bad =
            TestRequests.get(server.port(), "/api/search?text=fat&allow_partial=yes");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("allow_partial", JSON.readTree(bad.body()).path("parameter").asText());
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
                down.body().contains("a partial answer is never served")
                    && down.body().contains("allow_partial=true"),
                read + ": " + down.body());
            assertTrue(
                !down.body().contains("127.0.0.1"), "the cluster's address stays in the log");
          }
          // Asked for, the answer of the shard left, marked as such.
          JsonNode partial =
              awaitPartial(server.port(), "/api/search?text=fat&k=3&allow_partial=true");
          assertEquals(Math.min(3, onLivingNode), partial.path("hits").size(), partial.toString());
          JsonNode facets = awaitPartial(server.port(), "/api/facets?allow_partial=true");
          assertEquals(onLivingNode, facets.path("tiles").asInt(), facets.toString());
          JsonNode keywords =
              awaitPartial(server.port(), "/api/search?text=fat&mode=keywords&allow_partial=true");
          assertTrue(keywords.path("hits").isArray(), keywords.toString());
        } finally {
          cluster.restart(1);
          cluster.awaitGreen(Duration.ofMinutes(3));
        }
        HttpResponse<String> again = TestRequests.get(server.port(), "/api/search?text=fat&k=3");
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(whole.body(), again.body());
        // Whole again: allow_partial changes nothing, and nothing is marked partial.
        HttpResponse<String> allowed =
            TestRequests.get(server.port(), "/api/search?text=fat&k=3&allow_partial=true");
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals(whole.body(), allowed.body());
        HttpResponse<String> facets =
            TestRequests.get(server.port(), "/api/facets?allow_partial=true");
        assertEquals(200, facets.statusCode(), facets.body());
        assertFalse(JSON.readTree(facets.body()).has("partial"), facets.body());
        assertEquals(3, JSON.readTree(facets.body()).path("tiles").asInt(), facets.body());
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The 200 answer of {@code path}, checked to be marked partial from 1 of 2 shards: right after a
   * node dies, a read reaching it may be refused outright (a 503) until the cluster manager
   * notices.
   */
  private static JsonNode awaitPartial(int port, String path) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      HttpResponse<String> answer = TestRequests.get(port, path);
      if (answer.statusCode() == 503 && System.nanoTime() < deadline) {
        Thread.sleep(500);
        continue;
      }
      assertEquals(200, answer.statusCode(), path + ": " + answer.body());
      JsonNode body = JSON.readTree(answer.body());
      assertTrue(body.path("partial").asBoolean(), path + ": " + answer.body());
      assertEquals(1, body.path("shards").path("answered").asInt(), answer.body());
      assertEquals(2, body.path("shards").path("total").asInt(), answer.body());
      return body;
    }
  }

  /** Tiles of the index's shards on {@code node}, from {@code _cat/shards}. */
  private static int docsOnNode(LocalCluster cluster, String node) throws Exception {
    HttpResponse<String> shards =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            cluster.endpoint()
                                + "/_cat/shards/tiles-000001?format=json&h=node,docs"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    int docs = 0;
    for (JsonNode shard : JSON.readTree(shards.body())) {
      if (node.equals(shard.path("node").asText())) {
        docs += shard.path("docs").asInt();
      }
    }
    return docs;
  }
}
