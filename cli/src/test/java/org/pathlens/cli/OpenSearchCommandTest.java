package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.ExactSearch;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * The path to a cluster, as a user types it: {@code pathlens opensearch start --nodes 2} in
 * a process of its own, then ingest a tile folder into {@code http://127.0.0.1:PORT/tiles}, search
 * it, ingest again, filter, classify; and Ctrl-C (SIGTERM) stops every node.
 */
class OpenSearchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern READY = Pattern.compile("OpenSearch ready at (http://\\S+) ");

  @TempDir static Path data;
  private static Process cluster;
  private static String endpoint;
  private static Path tiles, manifest;

  @BeforeAll
  static void startClusterAndGenerateTiles() throws IOException {
    cluster =
        ChildJvm.of(
                List.of(),
                List.of(
                    "opensearch",
                    "start",
                    "--nodes",
                    "2",
                    "--data",
                    data.resolve("cluster").toString(),
                    "--http-port",
                    "0"))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      Matcher ready = READY.matcher(line);
      if (ready.find()) {
        endpoint = ready.group(1);
        break;
      }
    }
    assertTrue(endpoint != null, "the cluster printed no ready line");
    tiles = data.resolve("tiles");
    manifest = SyntheticTiles.write(tiles, new SyntheticTiles.Options(4, 4, 5, 224, 2)).manifest();
  }

  private static CliRun ingest(String index) {
    return CliRun.of(
        "ingest",
        "--model",
        Fixtures.demoBundle().toString(),
        "--index",
        index,
        "--threads",
        "2",
        "--tiles",
        tiles.toString(),
        "--manifest",
        manifest.toString());
  }

  private static List<JsonNode> lines(String out) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void ingestSearchReingestFilterAndClassifyOnTheCluster() throws Exception {
    String url = endpoint + "/tiles";
    CliRun first = ingest(url);
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().contains("the index holds 144 tiles"), first.out());

    CliRun again = ingest(url);
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("unchanged 144"), again.out());
    assertTrue(again.out().contains("the index holds 144 tiles"), again.out());

    // Brute force over the embeddings the cluster stores, with the query embedded by the bundle.
    ExactSearch exact = new ExactSearch();
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            TileIndex.openForSearch(
                IndexLocation.parse(url), IndexProvenance.of(model), IndexSettings.defaults())) {
      index.forEachTile(TileFilter.ALL, t -> exact.add(t.record().id(), t.embedding()));
      for (String text :
          List.of("tumor epithelium", "adipose tissue", "smooth muscle", "lymphocytes", "mucus")) {
        CliRun search =
            CliRun.of(
                "search",
                "--model",
                Fixtures.demoBundle().toString(),
                "--index",
                url,
                "--text",
                text,
                "--k",
                "10");
        assertEquals(0, search.exitCode(), search.err());
        List<String> found = lines(search.out()).stream().map(h -> h.get("id").asText()).toList();
        List<String> truth =
            exact.search(model.texts().encode(text), 10).stream().map(SearchHit::id).toList();
        assertEquals(truth, found, text);
      }
    }

    CliRun filtered =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            url,
            "--text",
            "tumor",
            "--filter",
            "site:center-b AND NOT label:TUM",
            "--k",
            "20");
    assertEquals(0, filtered.exitCode(), filtered.err());
    List<JsonNode> hits = lines(filtered.out());
    assertEquals(20, hits.size());
    for (JsonNode hit : hits) {
      assertEquals("center-b", hit.get("site").asText(), hit.toString());
      assertTrue(!hit.get("label").asText().equals("TUM"), hit.toString());
    }

    // Classification from stored embeddings prints the same lines as over the embedded index.
    Path lucene = data.resolve("lucene");
    assertEquals(0, ingest(lucene.toString()).exitCode());
    CliRun onCluster =
        CliRun.of(
            "classify",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            "demo-crc9",
            "--index",
            url,
            "--per-slide");
    CliRun onLucene =
        CliRun.of(
            "classify",
            "--model",
            Fixtures.demoBundle().toString(),
            "--prompts",
            "demo-crc9",
            "--index",
            lucene.toString(),
            "--per-slide");
    assertEquals(0, onCluster.exitCode(), onCluster.err());
    assertTrue(onCluster.out().lines().count() >= 16, onCluster.out()); // 16 synthetic slides
    assertEquals(onLucene.out(), onCluster.out());

    // Similar cases by both methods rank the same slides; scores agree to float rounding (the
    // embedded index scores (1 + cos) / 2 in float, the cluster the exact cosine).
    String slide = lines(onLucene.out()).getFirst().get("slide_id").asText();
    for (String method : List.of("tiles", "embedding")) {
      List<JsonNode> expected = lines(similar(lucene.toString(), slide, method).out());
      List<JsonNode> found = lines(similar(url, slide, method).out());
      assertEquals(5, found.size(), method);
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i).get("slide_id"), found.get(i).get("slide_id"), method);
        assertEquals(
            expected.get(i).get("score").asDouble(), found.get(i).get("score").asDouble(), 1e-6);
      }
    }
  }

  /** An evaluation config over the cluster index gives the numbers it gives over a directory. */
  @Test
  void evalOverTheClusterIndexGivesTheEmbeddedIndexsNumbers() throws IOException {
    String url = endpoint + "/eval";
    Path lucene = data.resolve("eval-lucene");
    assertEquals(0, ingest(url).exitCode());
    assertEquals(0, ingest(lucene.toString()).exitCode());
    String common =
        """
        model: %s
        task: {type: retrieval}
        metrics: [i2t_recall@5, t2i_label_precision@5, i2i_mmv@5, i2i_map@5]
        bootstrap: {resamples: 50}
        expected: {}
        """
            .formatted(Fixtures.demoBundle().toAbsolutePath());
    List<String> outputs = new ArrayList<>();
    for (String index : List.of(url, lucene.toString())) {
      Path config = data.resolve("eval-" + outputs.size() + ".yaml");
      Files.writeString(
          config,
          "name: index\ndataset: {index: '" + index + "', filter: 'site:center-b'}\n" + common);
      CliRun run = CliRun.of("eval", "run", "--threads", "1", config.toString());
      assertTrue(run.out().contains("i2i_map@5"), run.out() + run.err());
      outputs.add(run.out().replace(index, "INDEX").replace(config.toString(), "CONFIG"));
    }
    assertEquals(outputs.get(1), outputs.get(0));
  }

  /**
   * {@code index check} on the cluster: whole after an ingest; an id doubled by hand (a copy under
   * another slide, written later) is a problem, exit 1; {@code --repair} keeps the newer copy.
   */
  @Test
  void indexCheckFindsADoubledIdAndRepairKeepsTheNewest() throws Exception {
    String url = endpoint + "/checked";
    assertEquals(0, ingest(url).exitCode());
    CliRun whole = CliRun.of("index", "check", "--index", url);
    assertEquals(0, whole.exitCode(), whole.out() + whole.err());
    assertEquals("index " + url, whole.outLines().getFirst());
    assertTrue(
        whole.out().contains("  tiles: 144 documents, 144 ids, 0 of them with more than one"),
        whole.out());
    assertEquals("ok: no problem found", whole.outLines().getLast());

    HttpClient http = HttpClient.newHttpClient();
    JsonNode hit =
        JSON.readTree(
                http.send(
                        HttpRequest.newBuilder(URI.create(url + "/_search?size=1")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .path("hits")
            .path("hits")
            .path(0);
    String id = hit.path("_id").asText();
    ObjectNode copy = (ObjectNode) hit.path("_source").deepCopy();
    copy.put("slide_id", "moved-by-hand");
    copy.put("written_at", System.currentTimeMillis() + 60_000);
    for (int i = 0; ; i++) { // a routing on the other shard: on the same one it would overwrite
      String routing = "moved-by-hand-" + i;
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          url
                              + "/_doc/"
                              + URLEncoder.encode(id, StandardCharsets.UTF_8)
                              + "?routing="
                              + routing
                              + "&refresh=true"))
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString(copy.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(put.statusCode() < 300, put.body());
      if (JSON.readTree(put.body()).path("result").asText().equals("created")) {
        break;
      }
    }

    CliRun doubled = CliRun.of("index", "check", "--index", url);
    assertEquals(1, doubled.exitCode(), doubled.out() + doubled.err());
    assertTrue(doubled.out().contains("  problem: tile " + id + " has 2 documents"), doubled.out());

    CliRun repaired = CliRun.of("index", "check", "--index", url, "--repair");
    assertEquals(0, repaired.exitCode(), repaired.out() + repaired.err());
    assertTrue(
        repaired.out().contains("  repair: deleted 1 stale copies of 1 ids"), repaired.out());
    assertTrue(
        repaired.out().contains("  tiles: 144 documents, 144 ids, 0 of them with more than one"),
        repaired.out());
    JsonNode kept =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create(url + "/_search"))
                        .header("Content-Type", "application/json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                JSON.createObjectNode()
                                    .set(
                                        "query",
                                        JSON.createObjectNode()
                                            .set("term", JSON.createObjectNode().put("id", id)))
                                    .toString()))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    assertEquals(1, kept.path("hits").path("total").path("value").asInt(), kept.toString());
    assertEquals(
        "moved-by-hand",
        kept.path("hits").path("hits").path(0).path("_source").path("slide_id").asText());
  }

  private static CliRun similar(String index, String slide, String method) {
    CliRun run =
        CliRun.of(
            "similar",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index,
            "--slide",
            slide,
            "--rank-by",
            method,
            "--k",
            "5");
    assertEquals(0, run.exitCode(), run.err());
    return run;
  }

  @Test
  void badClusterUrlsAreOneLineNamingTheParameter() {
    CliRun credentials =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            "http://user:secret@127.0.0.1:9/tiles",
            "--text",
            "fat");
    assertEquals(2, credentials.exitCode());
    assertTrue(credentials.err().contains("never put them on the command line"), credentials.err());
    assertTrue(!credentials.err().contains("secret"), credentials.err());
    CliRun nothing =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            endpoint + "/no-such-index",
            "--text",
            "fat");
    assertEquals(2, nothing.exitCode(), nothing.err());
    assertTrue(nothing.err().contains("no tile index at"), nothing.err());
  }

  /** Last: SIGTERM, as Ctrl-C sends, stops the command and every node it started. */
  @AfterAll
  static void sigtermStopsEveryNode() throws Exception {
    if (cluster == null) {
      return;
    }
    List<ProcessHandle> nodes = cluster.descendants().toList();
    assertEquals(2, nodes.size(), "one JVM per node");
    cluster.destroy();
    boolean stopped = cluster.waitFor(90, TimeUnit.SECONDS);
    if (!stopped) {
      cluster.destroyForcibly();
      nodes.forEach(ProcessHandle::destroyForcibly);
    }
    assertTrue(stopped, "opensearch start did not stop on SIGTERM");
    for (ProcessHandle node : nodes) {
      assertTrue(node.onExit().get(30, TimeUnit.SECONDS) != null);
      assertTrue(!node.isAlive());
    }
  }
}
