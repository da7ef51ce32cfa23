package org.pathlens.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pathlens.bench.EncodeBenchmark;
import org.pathlens.bench.FeatureImportBenchmark;
import org.pathlens.bench.IndexBenchmark;
import org.pathlens.bench.PoolingSweep;
import org.pathlens.bench.ServeLoadBenchmark;
import org.pathlens.bench.SlideSearchBenchmark;
import org.pathlens.bench.StainBenchmark;
import org.pathlens.bench.StainContactSheets;
import org.pathlens.bench.UploadPressureBenchmark;
import org.pathlens.bench.WorkFolders;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.encoders.TorchRuntime;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.IndexSettings;
import org.pathlens.prompts.PromptSetReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pathlens bench}: benchmarks that print tables and the command that made them. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    header = "Run benchmarks; each prints a table and the command to rerun it.",
    subcommands = {
      BenchCommand.Encode.class,
      BenchCommand.Index.class,
      BenchCommand.Serve.class,
      BenchCommand.Uploads.class,
      BenchCommand.Stain.class,
      BenchCommand.Pooling.class,
      BenchCommand.Features.class,
      BenchCommand.Slides.class
    })
final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "encode",
      mixinStandardHelpOptions = true,
      header = "Measure preprocessing and encoding throughput on the CPU and GPU.",
      description = {
        "Preprocessing throughput (224 and 448 px inputs, per thread count) and encoding",
        "throughput of a bundle on the CPU and, when libtorch sees one, the GPU."
      },
      footer = {
        "%nExample:",
        "  ./pathlens bench encode --tile-count 32 --sizes 224 --preprocess-threads 1 \\",
        "      --batches 8"
      })
  static final class Encode implements Callable<Integer> {
    // Tables go to the command line's out, problems to its err (picocli's writers, not System's).
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin BenchOptions common = new BenchOptions(256);

    @Option(
        names = "--preprocess-threads",
        split = ",",
        paramLabel = "N",
        description =
            "Preprocessing thread counts, each measured (default: 1, 2, 4, ... up to the core"
                + " count).")
    List<Integer> preprocessThreads;

    @Option(
        names = "--batches",
        split = ",",
        paramLabel = "N",
        description = "Encoder batch sizes (default: 1,8,32).")
    List<Integer> batches = List.of(1, 8, 32);

    @Option(
        names = "--fp16",
        description =
            "Also measure float16 inputs on the GPU (a bundle exported in half precision, as"
                + " `embed --fp16` runs it); needs a GPU.")
    boolean fp16;

    @Override
    public Integer call() throws Exception {
      Path model = common.model.orDemoBundle();
      List<Integer> threadCounts =
          preprocessThreads != null ? preprocessThreads : defaultThreadCounts();
      int torchThreads = common.threads.threads;
      EncoderOptions cpu =
          EncoderOptions.defaults().withDevice(DeviceChoice.CPU).withThreads(torchThreads);
      List<EncoderOptions> runs = new ArrayList<>(List.of(cpu));
      boolean gpu = TorchRuntime.engine(torchThreads).getGpuCount() > 0;
      if (fp16 && !gpu) {
        spec.commandLine().getErr().println("pathlens bench encode: --fp16: libtorch sees no GPU");
        return 2;
      }
      if (gpu) {
        runs.add(cpu.withDevice(DeviceChoice.GPU));
      }
      if (fp16) {
        runs.add(cpu.withDevice(DeviceChoice.GPU).withFp16(true));
      }
      String command =
          "./pathlens bench encode"
              + common.commonArguments(model)
              + " --preprocess-threads "
              + BenchOptions.join(threadCounts)
              + " --batches "
              + BenchOptions.join(batches)
              + common.threadsArgument()
              + (fp16 ? " --fp16" : "");
      new EncodeBenchmark(
              new EncodeBenchmark.Options(
                  model, common.tileCount, common.sizes, threadCounts, batches, runs),
              spec.commandLine().getOut())
          .run(command);
      return 0;
    }

    private static List<Integer> defaultThreadCounts() {
      List<Integer> counts = new ArrayList<>();
      for (int t = 1; t <= Runtime.getRuntime().availableProcessors(); t *= 2) {
        counts.add(t);
      }
      return counts;
    }
  }

  @Command(
      name = "stain",
      mixinStandardHelpOptions = true,
      header = "Measure what stain normalisation and augmentation cost.",
      description = {
        "Cost of stain normalisation and test-time augmentation: the pixel work per tile (Reinhard and",
        "Macenko fitted per tile or applied per slide, one HED-jittered view) and embeddings per second",
        "with each option against none."
      },
      footer = {"%nExample:", "  ./pathlens bench stain --tile-count 8 --sizes 224 --views 4"})
  static final class Stain implements Callable<Integer> {
    // Tables go to the command line's out, problems to its err (picocli's writers, not System's).
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin BenchOptions common = new BenchOptions(128);

    @Option(
        names = "--views",
        split = ",",
        paramLabel = "N",
        description = "Test-time augmentation views to time (default: 4,8).")
    List<Integer> views = List.of(4, 8);

    @Mixin BatchOption batch;

    @Option(
        names = "--contact-sheets",
        paramLabel = "DIR",
        description =
            "Instead of timing, write before/after contact sheets (PNG) into DIR: generated tiles of"
                + " five centers and the ../shared multistain images when present, decoded,"
                + " normalised and HED-jittered.")
    Path contactSheets;

    @Override
    public Integer call() throws Exception {
      if (contactSheets != null) {
        for (Path sheet : StainContactSheets.write(contactSheets, Fixtures.shared())) {
          spec.commandLine().getOut().println("wrote " + sheet);
        }
        return 0;
      }
      Path model = common.model.orDemoBundle();
      String command =
          "./pathlens bench stain"
              + common.commonArguments(model)
              + " --views "
              + BenchOptions.join(views)
              + " --batch "
              + batch.batchSize
              + common.threadsArgument();
      EncoderOptions encoder =
          EncoderOptions.defaults()
              .withDevice(DeviceChoice.CPU)
              .withThreads(common.threads.threads)
              .withBatchSize(batch.batchSize);
      new StainBenchmark(
              new StainBenchmark.Options(model, common.tileCount, common.sizes, views, encoder),
              spec.commandLine().getOut())
          .run(command);
      return 0;
    }
  }

  @Command(
      name = "index",
      mixinStandardHelpOptions = true,
      header = "Compare vector index engines on synthetic vectors: speed and recall.",
      description = {
        "Lucene HNSW (float, int8, int4, bbq = 1 bit) against hnswlib-core on seeded random clustered",
        "unit vectors: build time, disk, graph and searched-vector MB, heap, single-thread latency",
        "p50/p99, QPS on --workers threads and recall@k and @deep-k against exact brute force, for",
        "image-like queries and text-like ones across a CLIP-sized modality gap, without a filter and",
        "with filters keeping 10 %%, 1 %% and 0.1 %%."
      },
      footer = {
        "%nExample:",
        "  ./pathlens bench index --n 2000 --dim 64 --queries 20 \\",
        "      --engines float,int8,hnswlib"
      })
  static final class Index implements Callable<Integer> {
    // Tables go to the command line's out, problems to its err (picocli's writers, not System's).
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--n",
        paramLabel = "N",
        description = "Vectors indexed (default: ${DEFAULT-VALUE}).")
    int n = 20_000;

    @Option(
        names = "--dim",
        paramLabel = "D",
        description = "Dimension (default: ${DEFAULT-VALUE}).")
    int dim = 512;

    @Option(
        names = "--k",
        paramLabel = "K",
        description = "Results per query (default: ${DEFAULT-VALUE}).")
    int k = 10;

    @Option(
        names = "--deep-k",
        paramLabel = "K",
        description =
            "A deeper top-k measured for recall only, at the same oversample; 0 for none (default: ${DEFAULT-VALUE}).")
    int deepK = 100;

    @Option(
        names = "--queries",
        paramLabel = "Q",
        description = "Queries per measurement (default: ${DEFAULT-VALUE}).")
    int queries = 200;

    @Mixin GraphOptions graph;

    @Option(
        names = "--oversample",
        split = ",",
        paramLabel = "X",
        description =
            "Candidates per result: search ef = k × X; a list (4,8,16) measures each on the same build (default: ${DEFAULT-VALUE}).")
    List<Float> oversamples = List.of(IndexSettings.defaults().oversample());

    @Option(
        names = "--clusters",
        paramLabel = "C",
        description = "Gaussian clusters of the vectors (default: ${DEFAULT-VALUE}).")
    int clusters = 256;

    @Option(
        names = "--workers",
        paramLabel = "T",
        description =
            "Worker threads: indexing, merging and the QPS measurement (default: the core count).")
    int workers = Runtime.getRuntime().availableProcessors();

    @Option(
        names = "--commit",
        paramLabel = "N",
        description = "Lucene vectors per commit (default: ${DEFAULT-VALUE}).")
    int commit = 10_000;

    @Option(
        names = "--engines",
        split = ",",
        paramLabel = "E",
        description =
            "Engines to run, in this order: float, int8, int4, bbq, hnswlib, opensearch,"
                + " opensearch_int8 (default: the first five; with --backend opensearch: float, int8).")
    List<IndexBenchmark.Engine> engines;

    @Option(
        names = "--backend",
        paramLabel = "lucene|opensearch",
        description =
            "lucene, or opensearch: each Lucene float/int8 row is followed by the same index on an"
                + " OpenSearch cluster, side by side (default: lucene).")
    Backend backend = Backend.LUCENE;

    /** Where the benchmarked indexes live. */
    enum Backend {
      /** Lucene in this process (and hnswlib-core beside it). */
      LUCENE,
      /** Each Lucene float/int8 row followed by the same index on an OpenSearch cluster. */
      OPENSEARCH
    }

    @Option(
        names = "--cluster",
        paramLabel = "URL",
        description =
            "The OpenSearch cluster of --backend opensearch, e.g. http://127.0.0.1:9200"
                + " (default: start --nodes local nodes for the run).")
    URI cluster;

    @Option(
        names = "--nodes",
        paramLabel = "N",
        description =
            "Local OpenSearch nodes started for the run without --cluster (default:"
                + " ${DEFAULT-VALUE}).")
    int nodes = 2;

    @Option(names = "--skip-int4", description = "Leave Lucene int4 out.")
    boolean skipInt4;

    @Option(
        names = "--filtered-percent",
        split = ",",
        paramLabel = "P",
        description =
            "Filters keeping under P %% use Lucene's filtered HNSW searcher; a list (0,20) measures"
                + " each on the same build, the filters a later value changes only (default: ${DEFAULT-VALUE}).")
    List<Integer> filteredPercents = List.of(IndexSettings.defaults().filteredSearchPercent());

    @Option(
        names = "--seed",
        paramLabel = "S",
        description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(
        names = "--work",
        paramLabel = "DIR",
        description = "Where indexes are written, then removed (default: a temporary directory).")
    Path work;

    @Override
    public Integer call() throws Exception {
      if (n < 1 || dim < 1 || k < 1 || queries < 1 || workers < 1 || clusters < 1) {
        throw new IllegalArgumentException(
            "--n, --dim, --k, --queries, --clusters and --workers must be positive");
      }
      if (deepK < 0) {
        throw new IllegalArgumentException("--deep-k must be 0 (none) or positive");
      }
      boolean opensearch = backend == Backend.OPENSEARCH;
      if (engines == null) {
        engines =
            new ArrayList<>(
                opensearch
                    ? List.of(IndexBenchmark.Engine.FLOAT, IndexBenchmark.Engine.INT8)
                    : List.of(
                        IndexBenchmark.Engine.FLOAT,
                        IndexBenchmark.Engine.INT8,
                        IndexBenchmark.Engine.INT4,
                        IndexBenchmark.Engine.BBQ,
                        IndexBenchmark.Engine.HNSWLIB));
      }
      if (skipInt4) {
        engines.remove(IndexBenchmark.Engine.INT4);
      }
      if (opensearch) { // each Lucene row followed by its cluster twin
        List<IndexBenchmark.Engine> paired = new ArrayList<>();
        for (IndexBenchmark.Engine engine : engines) {
          paired.add(engine);
          if (engine == IndexBenchmark.Engine.FLOAT) {
            paired.add(IndexBenchmark.Engine.OPENSEARCH);
          } else if (engine == IndexBenchmark.Engine.INT8) {
            paired.add(IndexBenchmark.Engine.OPENSEARCH_INT8);
          }
        }
        engines = paired.stream().distinct().toList();
      }
      if (nodes < 1) {
        throw new IllegalArgumentException("--nodes must be at least 1");
      }
      Path workDir = work != null ? work : Files.createTempDirectory("pathlens-bench-index");
      IndexBenchmark benchmark =
          new IndexBenchmark(
              new IndexBenchmark.Options(
                  n,
                  dim,
                  k,
                  deepK,
                  queries,
                  graph.m,
                  graph.beam,
                  oversamples,
                  clusters,
                  workers,
                  commit,
                  filteredPercents,
                  engines,
                  seed,
                  workDir,
                  cluster,
                  nodes),
              spec.commandLine().getOut());
      String command =
          "./pathlens bench index --n "
              + n
              + " --dim "
              + dim
              + " --k "
              + k
              + " --queries "
              + queries
              + " --deep-k "
              + deepK
              + " --m "
              + graph.m
              + " --beam "
              + graph.beam
              + " --oversample "
              + benchmark.oversamples()
              + " --clusters "
              + clusters
              + " --workers "
              + workers
              + " --commit "
              + commit
              + " --filtered-percent "
              + String.join(",", filteredPercents.stream().map(String::valueOf).toList())
              + " --engines "
              + String.join(
                  ",", engines.stream().map(e -> e.name().toLowerCase(Locale.ROOT)).toList())
              + " --seed "
              + seed
              + (opensearch
                  ? " --backend opensearch"
                      + (cluster != null ? " --cluster " + cluster : "")
                      + " --nodes "
                      + nodes
                  : "");
      benchmark.run(command);
      return 0;
    }
  }

  @Command(
      name = "uploads",
      mixinStandardHelpOptions = true,
      header = "Text-search latency and server memory while clients upload a big image.",
      description = {
        "Uploads of a big image to running `pathlens serve` processes over loopback (issue 32): while",
        "--uploaders clients post the image to POST /api/search back to back, --texters clients search",
        "by text; prints text p50/p99 (and p50 without uploads), the uploads' answers by status and the",
        "server's resident memory (peak of 100 ms samples of /proc/PID/status, and its high-water mark),",
        "one line per server, side by side. The default image is made here: a 16-bit RGBA PNG of --side",
        "pixels, about 0.7 MB at 9,400."
      },
      footer = {
        "%nExample (a server before a change on port 7071, one after it on 7072):",
        "  ./pathlens bench uploads --server before=http://127.0.0.1:7071@PID1 \\",
        "      --server after=http://127.0.0.1:7072@PID2 --duration 30"
      })
  static final class Uploads implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--server",
        required = true,
        paramLabel = "LABEL=URL@PID",
        description =
            "A server to measure, its label for the table, its URL (loopback only) and its process"
                + " id; repeat it to compare servers, measured in turn.")
    List<String> servers;

    @Option(
        names = "--image",
        paramLabel = "PATH",
        description =
            "The image to upload (default: a 16-bit RGBA PNG of --side pixels, made here).")
    Path image;

    @Option(
        names = "--side",
        paramLabel = "N",
        description = "Side of the default image in pixels (default: ${DEFAULT-VALUE}).")
    int side = 9400;

    @Option(
        names = "--uploaders",
        paramLabel = "N",
        description = "Clients uploading at once (default: ${DEFAULT-VALUE}).")
    int uploaders = 8;

    @Option(
        names = "--texters",
        paramLabel = "N",
        description = "Clients searching by text meanwhile (default: ${DEFAULT-VALUE}).")
    int texters = 1;

    @Option(
        names = "--duration",
        paramLabel = "S",
        description = "Seconds measured, with uploads and without (default: ${DEFAULT-VALUE}).")
    int duration = 30;

    @Override
    public Integer call() throws Exception {
      List<UploadPressureBenchmark.Server> measured = new ArrayList<>();
      for (String server : servers) {
        int eq = server.indexOf('=');
        int at = server.lastIndexOf('@');
        if (eq < 1 || at < eq) {
          throw new IllegalArgumentException(
              "--server must be LABEL=URL@PID, e.g. after=http://127.0.0.1:7072@12345, got "
                  + server);
        }
        long pid;
        try {
          pid = Long.parseLong(server.substring(at + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "--server " + server + ": the process id after '@' is not a number");
        }
        measured.add(
            new UploadPressureBenchmark.Server(
                server.substring(0, eq), URI.create(server.substring(eq + 1, at)), pid));
      }
      if (side < 1 || side > 65535) {
        throw new IllegalArgumentException("--side must be 1..65535, got " + side);
      }
      byte[] bytes =
          image != null ? Files.readAllBytes(image) : UploadPressureBenchmark.bigRgba16Png(side);
      var options =
          new UploadPressureBenchmark.Options(
              measured, bytes, uploaders, texters, Duration.ofSeconds(duration));
      String command =
          "./pathlens bench uploads"
              + servers.stream().map(s -> " --server " + s).reduce("", String::concat)
              + (image != null ? " --image " + image : " --side " + side)
              + " --uploaders "
              + uploaders
              + " --texters "
              + texters
              + " --duration "
              + duration;
      new UploadPressureBenchmark(options, spec.commandLine().getOut()).run(command);
      return 0;
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      header = "Load-test a running 'pathlens serve' over loopback.",
      description = {
        "Load on a running `pathlens serve` over loopback: text search (GET /api/search?text=) and image",
        "search (POST /api/search with a tile) at each client count: requests/s, p50/p99 latency, errors",
        "by status. Exits 1 when any request failed."
      },
      footer = {
        "%nExample (with ./pathlens serve running on port 7070):",
        "  ./pathlens bench serve --url http://127.0.0.1:7070 --duration 2 --warmup 1 \\",
        "      --clients 1"
      })
  static final class Serve implements Callable<Integer> {
    // Tables go to the command line's out, problems to its err (picocli's writers, not System's).
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--url",
        required = true,
        paramLabel = "URL",
        description = "The server, e.g. http://127.0.0.1:7070 (loopback only).")
    URI url;

    @Option(
        names = "--token",
        paramLabel = "T",
        description = "The server's API token, if it has one.")
    String token;

    @Option(
        names = "--duration",
        paramLabel = "S",
        description = "Seconds measured per workload and client count (default: ${DEFAULT-VALUE}).")
    double duration = 10;

    @Option(
        names = "--warmup",
        paramLabel = "S",
        description = "Unmeasured seconds before each measurement (default: ${DEFAULT-VALUE}).")
    double warmup = 2;

    @Option(
        names = "--clients",
        split = ",",
        paramLabel = "N",
        description = "Concurrent clients (default: 1,8,64).")
    List<Integer> clients = List.of(1, 8, 64);

    @Option(
        names = "--image",
        paramLabel = "PATH",
        description = "Tile uploaded by image search (default: the server's top hit for 'tissue').")
    Path image;

    @Option(
        names = "--k",
        paramLabel = "K",
        description = "Results per search (default: ${DEFAULT-VALUE}).")
    int k = 10;

    @Override
    public Integer call() throws Exception {
      ServeLoadBenchmark.requireLoopback(url);
      byte[] tile =
          image != null ? Files.readAllBytes(image) : ServeLoadBenchmark.tileFromServer(url, token);
      String name = image != null ? image.getFileName().toString() : "tile.png";
      var options =
          new ServeLoadBenchmark.Options(
              url,
              token,
              Duration.ofMillis(Math.round(duration * 1000)),
              Duration.ofMillis(Math.round(warmup * 1000)),
              clients,
              tile,
              name,
              ServeLoadBenchmark.DEFAULT_QUERIES,
              k);
      // The token is left out of the printed command: it is a secret, and the table gets pasted
      // around.
      String command =
          "./pathlens bench serve --url "
              + url
              + (token != null ? " --token ***" : "")
              + " --duration "
              + trim(duration)
              + " --warmup "
              + trim(warmup)
              + " --clients "
              + String.join(",", clients.stream().map(String::valueOf).toList())
              + (image != null ? " --image " + image : "")
              + " --k "
              + k;
      ServeLoadBenchmark.Result result =
          new ServeLoadBenchmark(options, spec.commandLine().getOut()).run(command);
      if (result.failed()) {
        spec.commandLine().getErr().println("error: some requests failed (see the errors column)");
        return 1;
      }
      return 0;
    }

    private static String trim(double seconds) {
      return seconds == Math.rint(seconds)
          ? String.valueOf((long) seconds)
          : String.valueOf(seconds);
    }
  }

  @Command(
      name = "pooling",
      mixinStandardHelpOptions = true,
      header = "Compare slide-level zero-shot pooling methods on generated slides.",
      description = {
        "Slide-level zero-shot with top-K pooling for K in {1, 5, 10, 50, 100}, the automatic",
        "default and mean pooling, on one generated slide per center, whole and as a tumour",
        "biopsy: how often each pooling names the slide's majority class and the biopsy's tumour.",
        "The table in docs/zero-shot.md is this command's summary (a test checks that it still is)."
      },
      footer = {"%nExample:", "  ./pathlens bench pooling"})
  static final class Pooling implements Callable<Integer> {
    // Tables go to the command line's out, problems to its err (picocli's writers, not System's).
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin DemoOptions demo;

    @Option(
        names = "--work",
        paramLabel = "DIR",
        description = "Where the slides and their index go (default: a temporary folder, deleted).")
    Path work;

    @Override
    public Integer call() throws Exception {
      Path model = demo.model.orDemoBundle();
      Path dir = work != null ? work : Files.createTempDirectory("pathlens-pooling-");
      try (VisionLanguageModel vlm =
          VisionLanguageModel.load(model, EncoderOptions.defaults().withThreads(2))) {
        List<PoolingSweep.Row> rows =
            PoolingSweep.run(vlm, PromptSetReader.resolve(demo.prompts), dir);
        PrintWriter out = spec.commandLine().getOut();
        out.print(PoolingSweep.summary(rows));
        out.println();
        out.print(PoolingSweep.details(rows));
        out.println();
        out.println(
            "command: ./pathlens bench pooling"
                + (demo.model.bundle != null ? " --model " + demo.model.bundle : "")
                + " --prompts "
                + demo.prompts);
      } finally {
        if (work == null) {
          WorkFolders.delete(dir);
        }
      }
      return 0;
    }
  }

  @Command(
      name = "features",
      mixinStandardHelpOptions = true,
      header = "How fast a TRIDENT feature file is parsed and ingested, beside h5py.",
      description = {
        "Parse the file with PathLens's reader and with h5py (/usr/bin/python3, when it has h5py), then",
        "ingest it into a new embedded index as ingest --features does (no model runs), once per --commit",
        "size; prints rows/s and the peak resident memory. fixtures/scripts/make_feature_file.py writes a",
        "file of N rows."
      },
      footer = {
        "%nExample:",
        "  /usr/bin/python3 fixtures/scripts/make_feature_file.py /tmp/pl/features.h5 100000 512",
        "  ./pathlens bench features --features /tmp/pl/features.h5"
      })
  static final class Features implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--features",
        required = true,
        paramLabel = "FILE",
        description = "A TRIDENT-layout .h5 feature file.")
    Path features;

    @Option(
        names = "--commit",
        split = ",",
        paramLabel = "N",
        description =
            "Tiles per commit, as ingest --commit; a list (1000,10000) imports once per size, each"
                + " into a new index (default: ${DEFAULT-VALUE}).")
    List<Integer> commits = List.of(IndexSettings.defaults().commitSize());

    @Option(
        names = "--work",
        paramLabel = "DIR",
        description = "Where the index goes (default: a temporary folder, deleted).")
    Path work;

    @Override
    public Integer call() throws Exception {
      if (commits.stream().anyMatch(c -> c < 1)) {
        throw new IllegalArgumentException("--commit sizes must be at least 1, got " + commits);
      }
      Path dir = work != null ? work : Files.createTempDirectory("pathlens-features-");
      try {
        FeatureImportBenchmark.run(
            features,
            dir,
            commits,
            FeatureImportBenchmark.pythonWithH5py(),
            spec.commandLine().getOut());
      } finally {
        if (work == null) {
          WorkFolders.delete(dir);
        }
      }
      return 0;
    }
  }

  @Command(
      name = "slides",
      mixinStandardHelpOptions = true,
      header = "Slide-level search beside means made per query.",
      description = {
        "Generated slides (a direction each, its tiles around it) as tiles of an embedded index, their",
        "mean vectors stored; then p50/p99 latency of a slide-level search over the stored vectors (exact),",
        "of the means made from the tiles per query (what similar --rank-by embedding did before), and of a",
        "tile-level HNSW search for scale."
      },
      footer = {"%nExamples:", "  ./pathlens bench slides --slides 10000 --tiles-per-slide 20"})
  static final class Slides implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--slides", paramLabel = "N", description = "Slides (default: 10000).")
    int slides = 10_000;

    @Option(
        names = "--tiles-per-slide",
        paramLabel = "N",
        description = "Tiles of each slide (default: 20).")
    int tilesPerSlide = 20;

    @Option(names = "--dim", paramLabel = "D", description = "Vector length (default: 512).")
    int dimension = 512;

    @Option(names = "--queries", paramLabel = "N", description = "Queries (default: 200).")
    int queries = 200;

    @Override
    public Integer call() throws Exception {
      if (slides < 2 || tilesPerSlide < 1 || dimension < 2 || queries < 1) {
        throw new IllegalArgumentException(
            "--slides must be at least 2, --tiles-per-slide, --dim and --queries at least 1");
      }
      Path dir = Files.createTempDirectory("pathlens-bench-slides-");
      try {
        SlideSearchBenchmark.run(
            slides, tilesPerSlide, dimension, queries, dir, spec.commandLine().getOut());
      } finally {
        WorkFolders.delete(dir);
      }
      return 0;
    }
  }
}
