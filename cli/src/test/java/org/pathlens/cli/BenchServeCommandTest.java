package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.bench.ServeLoadBenchmark;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.server.PathLensServer;
import org.pathlens.server.ServerConfig;

/**
 * {@code bench serve} against a real server on a free loopback port (9 generated tiles, a token).
 */
class BenchServeCommandTest {

  private static final String TOKEN = "bench-token-0123";

  @TempDir static Path tmp;
  private static Path tile;
  private static PathLensServer server;

  @BeforeAll
  static void start() throws IOException {
    Path tiles = tmp.resolve("tiles");
    Path manifest =
        SyntheticTiles.write(tiles, new SyntheticTiles.Options(1, 1, 5, 224, 2)).manifest();
    tile = tiles.resolve(ManifestRow.read(manifest).getFirst().path());
    Path indexDir = tmp.resolve("index");
    try (VisionLanguageModel model =
            VisionLanguageModel.load(
                Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
        TileIndex index =
            TileIndex.open(
                indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults())) {
      new TileFolderIngest(model.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 16, 2)
          .ingest(tiles, manifest, index, IngestListener.NONE);
    }
    server = startServer();
  }

  /**
   * A server over the test index; the wrong-token test takes its own (its address ends up held
   * back).
   */
  private static PathLensServer startServer() throws IOException {
    return PathLensServer.start(
        new ServerConfig(
            IndexLocation.of(tmp.resolve("index")),
            Fixtures.demoBundle(),
            null,
            "127.0.0.1",
            0,
            TOKEN,
            1024 * 1024,
            100_000,
            2,
            64,
            null,
            EncoderOptions.defaults().withThreads(2)));
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static URI url() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @Test
  void countsRequestsAndMeasuresLatencyWithoutErrors() throws Exception {
    byte[] image = ServeLoadBenchmark.tileFromServer(url(), TOKEN);
    assertTrue(image.length > 1000, "a served tile: " + image.length + " bytes");
    StringWriter printed = new StringWriter();
    ServeLoadBenchmark.Result result =
        new ServeLoadBenchmark(
                new ServeLoadBenchmark.Options(
                    url(),
                    TOKEN,
                    Duration.ofMillis(400),
                    Duration.ofMillis(100),
                    List.of(1, 4),
                    image,
                    "tile.png",
                    ServeLoadBenchmark.DEFAULT_QUERIES,
                    5),
                new PrintWriter(printed, true))
            .run("cmd");
    assertEquals(
        List.of("text search/1", "text search/4", "image search/1", "image search/4"),
        result.rows().stream().map(r -> r.workload() + "/" + r.clients()).toList());
    for (ServeLoadBenchmark.Row row : result.rows()) {
      assertTrue(row.requests() >= row.clients(), row.toString());
      assertEquals(Map.of(), row.errorsByStatus(), row.toString());
      assertTrue(row.p50Nanos() > 0 && row.p99Nanos() >= row.p50Nanos(), row.toString());
      // Closed loop: each client waits for its answer, so the rate cannot beat clients / p50 by
      // much.
      assertTrue(row.seconds() >= 0.4, row.toString());
      assertEquals(row.requests() / row.seconds(), row.requestsPerSecond(), 1e-9);
    }
    assertTrue(!result.failed());
    String out = printed.toString();
    assertTrue(out.contains("command: cmd"), out);
    assertTrue(out.contains("p99 ms"), out);
  }

  @Test
  void wrongTokenCountsEveryRequestAsRefusedAndExitsNonZero() throws Exception {
    CliRun run;
    try (PathLensServer own = startServer()) {
      run =
          CliRun.of(
              "bench",
              "serve",
              "--url",
              "http://127.0.0.1:" + own.port(),
              "--token",
              "wrong",
              "--duration",
              "0.3",
              "--warmup",
              "0",
              "--clients",
              "1,2",
              "--image",
              tile.toString());
    }
    assertEquals(1, run.exitCode(), run.out());
    List<String> rows =
        run.outLines().stream()
            .filter(l -> l.startsWith("text search") || l.startsWith("image search"))
            .toList();
    assertEquals(4, rows.size(), run.out());
    for (String row : rows) {
      String[] cells = row.trim().split("\\s+");
      // workload is two words: cells = text, search, clients, requests, req/s, p50, p99, HTTP, 401,
      // ×N
      long requests = Long.parseLong(cells[3]);
      assertTrue(requests > 0, row);
      // 401 for a wrong token, then 429 once the address has used up its ten wrong tries a minute.
      Matcher refused = Pattern.compile("HTTP (\\d+) ×(\\d+)").matcher(row);
      long counted = 0;
      while (refused.find()) {
        assertTrue(List.of("401", "429").contains(refused.group(1)), row);
        counted += Long.parseLong(refused.group(2));
      }
      assertEquals(requests, counted, "every request refused: " + row);
    }
    assertTrue(run.out().contains("--token *** "), "the token is not printed: " + run.out());
    assertTrue(!run.out().contains("wrong"), run.out());
    assertTrue(run.err().contains("requests failed"), run.err());
  }

  @Test
  void refusesNonLoopbackTargets() {
    CliRun run =
        CliRun.of("bench", "serve", "--url", "http://10.1.2.3:7070", "--image", tile.toString());
    assertTrue(run.exitCode() != 0);
    assertTrue(run.err().contains("loopback"), run.err());
    assertThrows(
        IllegalArgumentException.class,
        () -> ServeLoadBenchmark.requireLoopback(URI.create("http://8.8.8.8:80")));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServeLoadBenchmark.requireLoopback(URI.create("ftp://127.0.0.1/")));
    ServeLoadBenchmark.requireLoopback(URI.create("http://localhost:7070"));
    ServeLoadBenchmark.requireLoopback(URI.create("http://[::1]:7070"));
  }
}
