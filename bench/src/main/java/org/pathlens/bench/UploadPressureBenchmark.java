package org.pathlens.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * What uploads of a big image do to a running {@code pathlens serve} (issue 32): {@code uploaders}
 * clients post the same image to {@code POST /api/search} back to back while {@code texters}
 * clients search by text, for a fixed time; it reports the text searches' p50 and p99, the uploads'
 * answers by status, and the server's resident memory (sampled every 100 ms from {@code
 * /proc/PID/status}, and its high-water mark). Each server given is measured in turn, and the table
 * shows them side by side (e.g. the server before a change and after it). The text latency with no
 * uploads is measured first, as the baseline.
 */
public final class UploadPressureBenchmark {

  /** One server to measure: a label for the table, its URL and its process id (for its memory). */
  public record Server(String label, URI base, long pid) {
    public Server {
      ServeLoadBenchmark.requireLoopback(base);
    }
  }

  /**
   * @param servers measured in this order
   * @param image the uploaded image's bytes
   * @param uploaders clients uploading at once
   * @param texters clients searching by text meanwhile
   * @param duration how long each measurement runs
   */
  public record Options(
      List<Server> servers, byte[] image, int uploaders, int texters, Duration duration) {
    public Options {
      if (servers.isEmpty()) {
        throw new IllegalArgumentException("give at least one server to measure");
      }
      if (uploaders < 1 || texters < 1) {
        throw new IllegalArgumentException(
            "--uploaders and --texters must be at least 1, got " + uploaders + ", " + texters);
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("--duration must be positive, got " + duration);
      }
      servers = List.copyOf(servers);
    }
  }

  /** One server's numbers. */
  public record Row(
      String label,
      long idleTextRequests,
      long idleTextP50Nanos,
      long textRequests,
      long textP50Nanos,
      long textP99Nanos,
      long textErrors,
      Map<Integer, Long> uploadsByStatus,
      long rssStartBytes,
      long rssPeakBytes,
      long rssHighWaterBytes) {}

  private static final String BOUNDARY = "pathlens-bench-upload-3e9a";

  private final Options options;
  private final PrintWriter out;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public UploadPressureBenchmark(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  /** Measures every server, prints the table and the command, returns the rows. */
  public List<Row> run(String command) throws InterruptedException {
    List<Row> rows = new ArrayList<>();
    byte[] body = multipart(options.image());
    for (Server server : options.servers()) {
      rows.add(measure(server, body));
    }
    print(rows, command);
    return rows;
  }

  private Row measure(Server server, byte[] uploadBody) throws InterruptedException {
    // Baseline: text search alone (after a short warm-up, not measured).
    timeText(server, options.texters(), Duration.ofSeconds(1), new AtomicBoolean());
    Latencies idle = timeText(server, options.texters(), options.duration(), new AtomicBoolean());

    long rssStart = memory(server.pid(), "VmRSS");
    AtomicLong peak = new AtomicLong(rssStart);
    AtomicBoolean stop = new AtomicBoolean();
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  while (!stop.get()) {
                    peak.accumulateAndGet(memory(server.pid(), "VmRSS"), Math::max);
                    try {
                      Thread.sleep(100);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    Map<Integer, Long> uploads = new ConcurrentHashMap<>();
    List<Thread> uploaders = new ArrayList<>();
    for (int i = 0; i < options.uploaders(); i++) {
      uploaders.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!stop.get()) {
                      uploads.merge(send(upload(server, uploadBody)), 1L, Long::sum);
                    }
                  }));
    }
    Thread.sleep(1000); // the uploads under way before text search is timed
    Latencies loaded = timeText(server, options.texters(), options.duration(), stop);
    stop.set(true);
    for (Thread t : uploaders) {
      t.join();
    }
    sampler.join();
    peak.accumulateAndGet(memory(server.pid(), "VmRSS"), Math::max);
    return new Row(
        server.label(),
        idle.count(),
        idle.percentile(0.5),
        loaded.count(),
        loaded.percentile(0.5),
        loaded.percentile(0.99),
        loaded.errors(),
        new TreeMap<>(uploads),
        rssStart,
        peak.get(),
        memory(server.pid(), "VmHWM"));
  }

  private record Latencies(long[] sorted, long errors) {
    long count() {
      return sorted.length;
    }

    long percentile(double p) {
      return ServeLoadBenchmark.percentile(sorted, p);
    }
  }

  /** {@code clients} text searchers for {@code duration} (or until {@code stop}). */
  private Latencies timeText(Server server, int clients, Duration duration, AtomicBoolean stop)
      throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong errors = new AtomicLong();
    AtomicLong sequence = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < deadline && !stop.get()) {
                      String query =
                          ServeLoadBenchmark.DEFAULT_QUERIES.get(
                              (int)
                                  (sequence.getAndIncrement()
                                      % ServeLoadBenchmark.DEFAULT_QUERIES.size()));
                      long sent = System.nanoTime();
                      int status = send(text(server, query));
                      latencies.add(System.nanoTime() - sent);
                      if (status != 200) {
                        errors.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return new Latencies(sorted, errors.get());
  }

  private static HttpRequest text(Server server, String query) {
    return HttpRequest.newBuilder(
            server
                .base()
                .resolve(
                    "/api/search?k=10&text=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(120))
        .GET()
        .build();
  }

  private static HttpRequest upload(Server server, byte[] body) {
    return HttpRequest.newBuilder(server.base().resolve("/api/search?k=10"))
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private int send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return ServeLoadBenchmark.NO_RESPONSE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ServeLoadBenchmark.NO_RESPONSE;
    }
  }

  private static byte[] multipart(byte[] image) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"big.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(image);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return body.toByteArray();
  }

  /** A field of {@code /proc/PID/status} in bytes ({@code VmRSS}, {@code VmHWM}); 0 if gone. */
  static long memory(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip())
              * 1024;
        }
      }
      return 0;
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void print(List<Row> rows, String command) {
    out.printf(
        "PathLens upload pressure: %d clients uploading a %,d-byte image to POST /api/search while %d"
            + " search by text, %s s per measurement, %d cores, Java %s%n",
        options.uploaders(),
        options.image().length,
        options.texters(),
        options.duration().toSeconds(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.version());
    out.println("command: " + command);
    out.printf(
        "%-8s %13s %11s %11s %11s %9s %9s %9s  %s%n",
        "server",
        "text p50 idle",
        "text p50",
        "text p99",
        "text reqs",
        "RSS start",
        "RSS peak",
        "RSS HWM",
        "uploads by status");
    for (Row row : rows) {
      out.printf(
          "%-8s %10.1f ms %8.1f ms %8.1f ms %11s %6d MB %6d MB %6d MB  %s%n",
          row.label(),
          row.idleTextP50Nanos() / 1e6,
          row.textP50Nanos() / 1e6,
          row.textP99Nanos() / 1e6,
          row.textRequests() + (row.textErrors() > 0 ? " (" + row.textErrors() + " failed)" : ""),
          row.rssStartBytes() >> 20,
          row.rssPeakBytes() >> 20,
          row.rssHighWaterBytes() >> 20,
          describe(row.uploadsByStatus()));
    }
  }

  private static String describe(Map<Integer, Long> statuses) {
    List<String> parts = new ArrayList<>();
    statuses.forEach(
        (status, n) ->
            parts.add(
                (status == ServeLoadBenchmark.NO_RESPONSE ? "no response" : "HTTP " + status)
                    + " ×"
                    + n));
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  /**
   * The upload, made here rather than committed: a 16-bit RGBA PNG of {@code side} pixels
   * of gradients that repeat along each row and down bands of rows, so that it compresses about a
   * thousand to one (9,400 px: 707 MB of samples, about 0.7 MB of file) and decodes to its full
   * size.
   */
  public static byte[] bigRgba16Png(int side) {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    try {
      DataOutputStream png = new DataOutputStream(file);
      png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      DataOutputStream ihdr = new DataOutputStream(header);
      ihdr.writeInt(side);
      ihdr.writeInt(side);
      ihdr.write(new byte[] {16, 6, 0, 0, 0}); // 16 bits, RGBA, deflate, no filter, no interlace
      chunk(png, "IHDR", header.toByteArray());
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
        byte[] band = new byte[1 + side * 8]; // filter 0 (none): the band's first row
        byte[] same = new byte[1 + side * 8];
        same[0] = 2; // filter 2 (up), all zero: the row above again
        for (int y = 0; y < side; y++) {
          if (y % 512 != 0) {
            z.write(same);
            continue;
          }
          int index = y / 512;
          for (int x = 0; x < side; x++) {
            int o = 1 + x * 8;
            // Periodic along the row (512 px, 4 KB): within deflate's 32 KB window.
            int r = ((x % 512) * 128 + index * 4099) & 0xFFFF;
            int g = (index * 7919 + (x % 512) * 3) & 0xFFFF;
            int b = (65535 - (x % 512) * 128) & 0xFFFF;
            int[] samples = {r, g, b, 65535};
            for (int c = 0; c < 4; c++) {
              band[o + 2 * c] = (byte) (samples[c] >> 8);
              band[o + 2 * c + 1] = (byte) samples[c];
            }
          }
          z.write(band);
        }
      } finally {
        deflater.end();
      }
      chunk(png, "IDAT", idat.toByteArray());
      chunk(png, "IEND", new byte[0]);
      png.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: not expected
    }
    return file.toByteArray();
  }

  private static void chunk(DataOutputStream png, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    png.writeInt(data.length);
    png.write(name);
    png.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    png.writeInt((int) crc.getValue());
  }
}
