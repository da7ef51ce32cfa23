package org.pathlens.cli;

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
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.cluster.LocalCluster;

/**
 * The command line over a cluster index without replicas while a node is down: a read is one line
 * and exit 2 unless {@code --allow-partial} is given, which prints the living shard's answer and a
 * line on stderr saying it is partial; once the node is back the same command prints the whole
 * answer again, with no such line.
 */
class PartialClusterCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aNodeDownIsRefusedUnlessAllowPartialAndThenSaidOnStderr() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.start(
            tmp.resolve("cluster"), 2, 0, LocalCluster.DEFAULT_HEAP, Duration.ofMinutes(3))) {
      String url = cluster.endpoint() + "/tiles";
      Path tiles = tmp.resolve("tiles");
      Path manifest =
          SyntheticTiles.write(tiles, new SyntheticTiles.Options(4, 4, 5, 224, 2)).manifest();
      CliRun ingest =
          CliRun.of(
              "ingest",
              "--model",
              Fixtures.demoBundle().toString(),
              "--index",
              url,
              "--threads",
              "2",
              "--tiles",
              tiles.toString(),
              "--manifest",
              manifest.toString());
      assertEquals(0, ingest.exitCode(), ingest.err());
      // No replicas: a dead node's shards have no other copy to answer from.
      send(cluster, "PUT", "/tiles/_settings", "{\"index\": {\"number_of_replicas\": 0}}");
      cluster.awaitGreen(Duration.ofMinutes(1));
      int onLivingNode = docsOnNode(cluster, "node-0");
      assertTrue(onLivingNode > 0 && onLivingNode < 144, "tiles on node-0: " + onLivingNode);
      Supplier<CliRun> search = () -> search(url, false);
      CliRun whole = search.get();
      assertEquals(0, whole.exitCode(), whole.err());
      assertEquals(10, whole.outLines().size());

      cluster.kill(1);
      try {
        CliRun refused = search.get();
        assertEquals(2, refused.exitCode(), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.out().isEmpty(), refused.out());

        CliRun partial = awaitPartial(() -> search(url, true));
        assertEquals(10, partial.outLines().size(), partial.out());
        CliRun classified =
            awaitPartial(
                () ->
                    CliRun.of(
                        "classify",
                        "--model",
                        Fixtures.demoBundle().toString(),
                        "--prompts",
                        "demo-crc9",
                        "--no-cache",
                        "--index",
                        url,
                        "--allow-partial"));
        assertEquals(onLivingNode, classified.outLines().size(), "one line per tile left");
      } finally {
        cluster.restart(1);
        cluster.awaitGreen(Duration.ofMinutes(3));
      }
      CliRun again = search(url, true);
      assertEquals(0, again.exitCode(), again.err());
      assertEquals(whole.out(), again.out());
      assertFalse(again.err().contains("partial"), again.err());
    }
  }

  private static CliRun search(String url, boolean allowPartial) {
    return allowPartial
        ? CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            url,
            "--text",
            "tumor epithelium",
            "--allow-partial")
        : CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            url,
            "--text",
            "tumor epithelium");
  }

  /**
   * The run once it prints a partial answer (exit 0, the stderr line naming 1 of 2 shards): right
   * after a node dies, a read reaching it may be refused outright until the cluster manager
   * notices.
   */
  private static CliRun awaitPartial(Supplier<CliRun> command) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      CliRun run = command.get();
      if (run.exitCode() == 2 && System.nanoTime() < deadline) {
        Thread.sleep(500);
        continue;
      }
      assertEquals(0, run.exitCode(), run.err());
      assertTrue(
          run.err().contains("partial answer (--allow-partial): 1 of 2 shards answered"),
          run.err());
      return run;
    }
  }

  private static JsonNode send(LocalCluster cluster, String method, String path, String body)
      throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(cluster.endpoint() + path))
                    .header("Content-Type", "application/json")
                    .method(
                        method,
                        body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    return JSON.readTree(answer.body());
  }

  /** Tiles of the index's shards on {@code node}, from {@code _cat/shards}. */
  private static int docsOnNode(LocalCluster cluster, String node) throws Exception {
    int docs = 0;
    for (JsonNode shard :
        send(cluster, "GET", "/_cat/shards/tiles-000001?format=json&h=node,docs", null)) {
      if (node.equals(shard.path("node").asText())) {
        docs += shard.path("docs").asInt();
      }
    }
    return docs;
  }
}
