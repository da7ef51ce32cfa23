package org.pathlens.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Drives a running {@code pathlens serve} over loopback: text search ({@code GET
 * /api/search?text=}) cycling through a few queries, and image search ({@code POST /api/search},
 * one tile as multipart), each at several client counts for a fixed duration after a warm-up. One
 * virtual thread per client, each sending its next request as soon as the last one answered (closed
 * loop), so requests/s is what the server sustains at that concurrency.
 */
public final class ServeLoadBenchmark {

  /**
   * Text queries the text workload cycles through: several, so no single query's cost dominates.
   */
  public static final List<String> DEFAULT_QUERIES =
      List.of(
          "large empty fat cells",
          "dense lymphocytes",
          "tumour epithelium glands",
          "smooth muscle",
          "mucus",
          "necrotic debris",
          "normal colon mucosa",
          "stroma");

  /**
   * Status recorded for a request that got no HTTP response (connection refused, reset, timeout).
   */
  public static final int NO_RESPONSE = -1;

  private static final String BOUNDARY = "pathlens-bench-7d1f0c";

  /**
   * @param base the server, e.g. {@code http://127.0.0.1:7070}; must be a loopback address
   * @param token the API token, or null
   * @param duration how long each measurement runs
   * @param warmup how long each client count runs unmeasured first
   * @param clients the concurrent client counts
   * @param image the tile uploaded by the image workload (PNG or JPEG bytes)
   * @param imageName the upload's file name
   * @param queries the text queries
   * @param k results per search
   */
  public record Options(
      URI base,
      String token,
      Duration duration,
      Duration warmup,
      List<Integer> clients,
      byte[] image,
      String imageName,
      List<String> queries,
      int k) {
    public Options {
      requireLoopback(base);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("--duration must be positive, got " + duration);
      }
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("the warm-up must not be negative, got " + warmup);
      }
      if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
        throw new IllegalArgumentException("--clients must be positive counts, got " + clients);
      }
      if (image == null || image.length == 0) {
        throw new IllegalArgumentException("the image workload needs a non-empty tile image");
      }
      if (queries.isEmpty()) {
        throw new IllegalArgumentException("the text workload needs at least one query");
      }
      if (k < 1) {
        throw new IllegalArgumentException("--k must be at least 1, got " + k);
      }
      clients = List.copyOf(clients);
      queries = List.copyOf(queries);
    }
  }

  /** One workload at one client count. */
  public record Row(
      String workload,
      int clients,
      long requests,
      double seconds,
      long p50Nanos,
      long p99Nanos,
      Map<Integer, Long> errorsByStatus) {

    public double requestsPerSecond() {
      return requests / seconds;
    }

    public long errors() {
      return errorsByStatus.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Every row; failed when any measured or warm-up request failed. */
  public record Result(List<Row> rows, long warmupErrors) {
    public boolean failed() {
      return warmupErrors > 0 || rows.stream().anyMatch(r -> r.errors() > 0);
    }
  }

  private final Options options;
  private final PrintWriter out;
  private final HttpClient http;
  private final byte[] imageBody;

  public ServeLoadBenchmark(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
    // HTTP/1.1: the server speaks it, and one connection per client is what concurrency means here.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.imageBody = multipartBody(options);
  }

  /**
   * Refuses anything but a loopback host: this tool floods its target and must never leave the
   * machine.
   */
  public static void requireLoopback(URI base) {
    if (base == null || base.getHost() == null || !"http".equalsIgnoreCase(base.getScheme())) {
      throw new IllegalArgumentException(
          "--url must be http://HOST:PORT on this machine, got " + base);
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(base.getHost())) {
        if (!address.isLoopbackAddress()) {
          throw new IllegalArgumentException(
              "--url must be a loopback address (127.0.0.1, ::1, localhost): "
                  + base.getHost()
                  + " is "
                  + address.getHostAddress());
        }
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--url host " + base.getHost() + " does not resolve", e);
    }
  }

  /**
   * Runs every workload at every client count, prints the table and the command, returns the rows.
   */
  public Result run(String command) throws InterruptedException {
    List<Row> rows = new ArrayList<>();
    long warmupErrors = 0;
    for (Workload workload :
        List.of(
            new Workload("text search", this::textRequest),
            new Workload("image search", this::imageRequest))) {
      for (int clients : options.clients()) {
        if (!options.warmup().isZero()) {
          warmupErrors += measure(workload, clients, options.warmup()).errors();
        }
        Row row = measure(workload, clients, options.duration());
        rows.add(row);
      }
    }
    Result result = new Result(List.copyOf(rows), warmupErrors);
    print(result, command);
    return result;
  }

  private record Workload(String name, LongFunction<HttpRequest> request) {}

  private HttpRequest textRequest(long n) {
    String query = options.queries().get((int) (n % options.queries().size()));
    return authorized(
            HttpRequest.newBuilder(
                options
                    .base()
                    .resolve(
                        "/api/search?k="
                            + options.k()
                            + "&text="
                            + URLEncoder.encode(query, StandardCharsets.UTF_8))))
        .GET()
        .build();
  }

  private HttpRequest imageRequest(long n) {
    return authorized(
            HttpRequest.newBuilder(options.base().resolve("/api/search?k=" + options.k())))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(imageBody))
        .build();
  }

  /** The image workload's body, built once: every request uploads the same tile. */
  private static byte[] multipartBody(Options options) {
    String head =
        "--"
            + BOUNDARY
            + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
            + options.imageName()
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    String tail = "\r\n--" + BOUNDARY + "--\r\n";
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(h, h.length + options.image().length + t.length);
    System.arraycopy(options.image(), 0, body, h.length, options.image().length);
    System.arraycopy(t, 0, body, h.length + options.image().length, t.length);
    return body;
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    builder.timeout(Duration.ofSeconds(60));
    return options.token() == null
        ? builder
        : builder.header("Authorization", "Bearer " + options.token());
  }

  /**
   * {@code clients} virtual threads send requests back to back until the deadline; a request counts
   * (and its latency too) when it was sent before the deadline, so the last ones may end slightly
   * after it and the rate divides by the time until the last one answered.
   */
  private Row measure(Workload workload, int clients, Duration duration)
      throws InterruptedException {
    AtomicLong sequence = new AtomicLong();
    long[][] latencies = new long[clients][];
    int[] counts = new int[clients];
    List<Map<Integer, Long>> errors = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      latencies[c] = new long[1024];
      errors.add(new TreeMap<>());
    }
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .name("bench-client-" + c)
              .start(
                  () -> {
                    while (System.nanoTime() < deadline) {
                      HttpRequest request = workload.request().apply(sequence.getAndIncrement());
                      long sent = System.nanoTime();
                      int status = send(request);
                      long took = System.nanoTime() - sent;
                      if (counts[client] == latencies[client].length) {
                        latencies[client] = Arrays.copyOf(latencies[client], counts[client] * 2);
                      }
                      latencies[client][counts[client]++] = took;
                      if (status < 200 || status > 299) {
                        errors.get(client).merge(status, 1L, Long::sum);
                      }
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    Map<Integer, Long> errorsByStatus = new TreeMap<>();
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies[c], 0, all, at, counts[c]);
      at += counts[c];
      errors.get(c).forEach((status, n) -> errorsByStatus.merge(status, n, Long::sum));
    }
    Arrays.sort(all);
    return new Row(
        workload.name(),
        clients,
        total,
        seconds,
        percentile(all, 0.50),
        percentile(all, 0.99),
        errorsByStatus);
  }

  private int send(HttpRequest request) {
    try {
      // The body is read fully (a client must consume the hits) and then dropped.
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return NO_RESPONSE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NO_RESPONSE;
    }
  }

  /** Nearest-rank percentile of sorted values; 0 for none. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private void print(Result result, String command) {
    out.printf(
        "PathLens serve load benchmark: %s, %s per measurement after %s warm-up, %d client cores, Java %s%n",
        options.base(),
        seconds(options.duration()),
        seconds(options.warmup()),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    out.println("command: " + command);
    out.printf(
        "%-13s %8s %9s %10s %10s %10s  %s%n",
        "workload", "clients", "requests", "req/s", "p50 ms", "p99 ms", "errors");
    for (Row row : result.rows()) {
      out.printf(
          "%-13s %8d %9d %10.1f %10.1f %10.1f  %s%n",
          row.workload(),
          row.clients(),
          row.requests(),
          row.requestsPerSecond(),
          row.p50Nanos() / 1e6,
          row.p99Nanos() / 1e6,
          describe(row.errorsByStatus()));
    }
    if (result.warmupErrors() > 0) {
      out.println("warm-up: " + result.warmupErrors() + " failed requests");
    }
  }

  private static String describe(Map<Integer, Long> errors) {
    if (errors.isEmpty()) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    errors.forEach(
        (status, n) ->
            parts.add((status == NO_RESPONSE ? "no response" : "HTTP " + status) + " ×" + n));
    return String.join(", ", parts);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }

  /**
   * Fetches one tile image the server itself serves: the top hit for a text query, for the image
   * workload.
   */
  public static byte[] tileFromServer(URI base, String token) {
    requireLoopback(base);
    HttpClient client = HttpClient.newHttpClient();
    try {
      HttpRequest.Builder search =
          HttpRequest.newBuilder(base.resolve("/api/search?k=1&text=tissue"));
      if (token != null) {
        search.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> hits = client.send(search.build(), HttpResponse.BodyHandlers.ofString());
      if (hits.statusCode() != 200) {
        throw new IllegalStateException(
            "GET "
                + base.resolve("/api/search?k=1&text=tissue")
                + " answered "
                + hits.statusCode()
                + ": "
                + hits.body());
      }
      JsonNode first =
          new ObjectMapper().readTree(hits.body()).path("hits").path(0).path("thumbnail_url");
      if (!first.isTextual()) {
        throw new IllegalStateException(
            "the server's index returned no tile to upload; pass --image PATH");
      }
      String url = first.asText();
      HttpRequest.Builder image = HttpRequest.newBuilder(base.resolve(url));
      if (token != null) {
        image.header("Authorization", "Bearer " + token);
      }
      HttpResponse<byte[]> tile =
          client.send(image.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (tile.statusCode() != 200) {
        throw new IllegalStateException("GET " + url + " answered " + tile.statusCode());
      }
      return tile.body();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not reach " + base + " to fetch a tile for the image workload", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching a tile from " + base, e);
    }
  }
}
