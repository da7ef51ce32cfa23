package org.pathlens.index.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Real OpenSearch nodes on this machine, each in its own JVM: what {@code ./pathlens opensearch
 * start} runs and the cluster tests start. The nodes are OpenSearch 2.19 with the k-NN plugin from
 * the {@code opensearch-node} module's classpath ({@code opensearch-node/target/node}); their
 * Lucene 9 never loads into PathLens's JVM, which talks to them over HTTP only.
 *
 * <p>Node 0 (and nodes 1 and 2, when there are three or more) are cluster-manager eligible; the
 * others hold data only, so that losing a data node never costs the cluster its manager. Each node
 * keeps its files and log in {@code DATA/node-I}; starting again on the same folder restarts the
 * same cluster with its indexes. Disk watermarks are off: a trial cluster on a nearly full laptop
 * disk would otherwise refuse every shard, silently.
 */
public final class LocalCluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Heap per node: enough for the tests' and a trial's indexes (k-NN graphs live off-heap). */
  public static final String DEFAULT_HEAP = "512m";

  private final Path nodeHome;
  private final Path data;
  private final String heap;
  private final int[] httpPorts;
  private final int[] transportPorts;
  private final Process[] processes;

  private LocalCluster(Path nodeHome, Path data, String heap, int[] httpPorts, int[] transport) {
    this.nodeHome = nodeHome;
    this.data = data;
    this.heap = heap;
    this.httpPorts = httpPorts;
    this.transportPorts = transport;
    this.processes = new Process[httpPorts.length];
  }

  /**
   * Starts {@code nodes} nodes and waits until the cluster is green with all of them.
   *
   * @param httpPort node 0's HTTP port (node i takes {@code httpPort + i}, transport {@code
   *     httpPort + 100 + i}); 0 picks free ports
   * @throws IOException naming the node and its log's last lines when one does not come up
   */
  public static LocalCluster start(
      Path data, int nodes, int httpPort, String heap, Duration timeout) throws IOException {
    if (nodes < 1) {
      throw new IllegalArgumentException("--nodes must be at least 1, got " + nodes);
    }
    Path home = nodeHome();
    int[] http = new int[nodes];
    int[] transport = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      http[i] = httpPort == 0 ? freePort() : httpPort + i;
      transport[i] = httpPort == 0 ? freePort() : httpPort + 100 + i;
    }
    LocalCluster cluster = new LocalCluster(home, data, heap, http, transport);
    try {
      for (int i = 0; i < nodes; i++) {
        cluster.startNode(i);
      }
      cluster.awaitGreen(timeout);
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * The node's classpath: {@code PATHLENS_OPENSEARCH_NODE} if set, else {@code opensearch-node/} of
   * an installed copy, else {@code opensearch-node/target/node} of a checkout (both under {@code
   * -Dpathlens.root}).
   */
  static Path nodeHome() {
    String override = System.getenv("PATHLENS_OPENSEARCH_NODE");
    Path root = Path.of(System.getProperty("pathlens.root", "."));
    Path home =
        override != null && !override.isBlank()
            ? Path.of(override)
            : Files.isDirectory(root.resolve("opensearch-node/lib")) // an installed copy
                ? root.resolve("opensearch-node")
                : root.resolve("opensearch-node/target/node"); // a checkout
    if (!Files.isDirectory(home.resolve("lib")) || !Files.isDirectory(home.resolve("knn"))) {
      throw new IllegalStateException(
          "no OpenSearch node in "
              + home
              + " (lib/ and knn/): build it with ./build app, or set PATHLENS_OPENSEARCH_NODE");
    }
    return home;
  }

  /** The cluster's HTTP endpoint (node 0). */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + httpPorts[0]);
  }

  /** Node {@code i}'s HTTP endpoint. */
  public URI endpoint(int i) {
    return URI.create("http://127.0.0.1:" + httpPorts[i]);
  }

  public int nodes() {
    return processes.length;
  }

  public Path data() {
    return data;
  }

  private boolean managerEligible(int i) {
    return i == 0 || (processes.length >= 3 && i < 3);
  }

  private void startNode(int i) throws IOException {
    Path nodeDir = data.resolve("node-" + i);
    Files.createDirectories(nodeDir.resolve("tmp"));
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xms" + heap);
    command.add("-Xmx" + heap);
    command.add("-XX:+UseG1GC");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Djava.io.tmpdir=" + nodeDir.resolve("tmp"));
    command.add("-Dlog4j2.disable.jmx=true");
    command.add("-cp");
    command.add(nodeHome.resolve("lib") + "/*:" + nodeHome.resolve("knn") + "/*");
    command.add("org.pathlens.opensearchnode.NodeMain");
    command.add("cluster.name=pathlens-local");
    command.add("node.name=node-" + i);
    command.add("path.home=" + nodeDir);
    command.add("network.host=127.0.0.1");
    command.add("http.port=" + httpPorts[i]);
    command.add("transport.port=" + transportPorts[i]);
    command.add("cluster.routing.allocation.disk.threshold_enabled=false");
    if (processes.length == 1) {
      command.add("discovery.type=single-node");
    } else {
      List<Integer> managers =
          IntStream.range(0, processes.length).filter(this::managerEligible).boxed().toList();
      command.add(
          "discovery.seed_hosts="
              + managers.stream()
                  .map(m -> "127.0.0.1:" + transportPorts[m])
                  .collect(Collectors.joining(",")));
      command.add(
          "cluster.initial_cluster_manager_nodes="
              + managers.stream().map(m -> "node-" + m).collect(Collectors.joining(",")));
      command.add(
          "node.roles=" + (managerEligible(i) ? "cluster_manager,data,ingest" : "data,ingest"));
    }
    Path log = nodeDir.resolve("node.log");
    processes[i] =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  /**
   * Waits until every node has joined and every shard is assigned.
   *
   * @throws IOException when a node exits or the cluster is not green in time
   */
  public void awaitGreen(Duration timeout) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI health =
        endpoint()
            .resolve(
                "/_cluster/health?wait_for_status=green&wait_for_nodes="
                    + processes.length
                    + "&timeout=2s");
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < processes.length; i++) {
        if (processes[i] != null && !processes[i].isAlive()) {
          throw new IOException(
              "OpenSearch node-" + i + " exited (" + processes[i].exitValue() + "): " + logTail(i));
        }
      }
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode status = JSON.readTree(answer.body());
        if (answer.statusCode() == 200 && !status.path("timed_out").asBoolean(true)) {
          return;
        }
        last =
            "HTTP "
                + answer.statusCode()
                + ", status "
                + status.path("status").asText()
                + ", nodes "
                + status.path("number_of_nodes");
        if (answer.statusCode() != 200) {
          sleep(500);
        }
      } catch (IOException e) { // not listening yet, or an answer that is not JSON
        last = e.toString();
        sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the cluster in " + data, e);
      }
    }
    throw new IOException(
        "OpenSearch cluster in " + data + " not green after " + timeout + " (" + last + ")");
  }

  /** The last lines of node {@code i}'s log, on one line. */
  public String logTail(int i) {
    try {
      List<String> lines =
          Files.readAllLines(data.resolve("node-" + i).resolve("node.log"), StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Kills node {@code i} with SIGKILL, as a crash would: no flush, no goodbye to the cluster. */
  /** Whether node {@code i}'s JVM is running. */
  public boolean isAlive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  public void kill(int i) throws InterruptedException {
    processes[i].destroyForcibly();
    processes[i].waitFor();
  }

  /** Starts node {@code i} again on its data folder (after {@link #kill}). */
  public void restart(int i) throws IOException {
    if (processes[i].isAlive()) {
      throw new IllegalStateException("node-" + i + " is running");
    }
    startNode(i);
  }

  /** Blocks until every node has exited (they exit when stopped, or crash). */
  public void awaitExit() throws InterruptedException {
    for (Process process : processes) {
      if (process != null) {
        process.waitFor();
      }
    }
  }

  /** Stops every node with SIGTERM (each flushes and closes), then SIGKILL after 30 s. */
  @Override
  public void close() {
    for (Process process : processes) {
      if (process != null) {
        process.destroy();
      }
    }
    for (Process process : processes) {
      if (process == null) {
        continue;
      }
      try {
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the cluster", e);
    }
  }
}
