package org.pathlens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.pathlens.server.PathLensServer;
import org.pathlens.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens serve}: the REST API over a tile index. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    header = "Serve the REST API and the web UI over a tile index.",
    description = {
      "Serve the REST API (/api/...; /api/openapi.json describes it) over a tile index built with the bundle.",
      "Binds 127.0.0.1 unless --host says otherwise; prints 'PathLens ready at http://HOST:PORT' once it",
      "accepts requests, and runs until stopped (Ctrl-C)."
    },
    footer = {
      "%nExample:",
      "  ./pathlens serve --model fixtures/demo-bundle --index /tmp/pl/idx --port 7070"
    })
final class ServeCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Mixin ModelOptions model;

  @Mixin IndexOption index;

  @Option(
      names = "--prompts-dir",
      paramLabel = "DIR",
      description =
          "A folder of prompt sets (NAME.json) offered by name (default: the built-in sets).")
  Path promptsDir;

  @Option(
      names = "--host",
      paramLabel = "ADDR",
      description =
          "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes"
              + " the server to the network: set --token then).")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port (default: ${DEFAULT-VALUE}; 0 for any free one).")
  int port = 7070;

  @Option(
      names = "--token",
      paramLabel = "T",
      description =
          "Require this token on every API request"
              + " ('Authorization: Bearer T' or 'X-PathLens-Token: T'; the web UI asks for it once and keeps a session"
              + " cookie). Visible to other users in the process list: prefer --token-file or PATHLENS_TOKEN.")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Read the token from the first line of FILE (or set PATHLENS_TOKEN in the environment).")
  Path tokenFile;

  @Option(
      names = "--insecure-no-token",
      description =
          "Serve without a token on an address other than loopback: anyone who reaches it can read the index.")
  boolean insecureNoToken;

  @Option(
      names = "--max-upload-mb",
      paramLabel = "N",
      description = "Largest uploaded image in MB (default: ${DEFAULT-VALUE}).")
  int maxUploadMb = 20;

  @Mixin MaxPixelsOption maxPixels;

  @Option(
      names = "--decode-memory-mb",
      paramLabel = "N",
      description =
          "Memory the uploads being decoded at once may hold, in MB, as their headers tell it"
              + " (a 16-bit RGBA PNG of 4,096 px side takes 184 MB; larger uploads are decoded at"
              + " reduced scale); an upload beyond it waits up"
              + " to 2 s, then gets 503 with Retry-After (default: ${DEFAULT-VALUE}).")
  int decodeMemoryMb = (int) (ServerConfig.DEFAULT_DECODE_MEMORY_BYTES >> 20);

  @Option(
      names = "--inference-threads",
      paramLabel = "N",
      description = "Requests running inference at once" + " (default: ${DEFAULT-VALUE}).")
  int inferenceThreads = 2;

  @Option(
      names = "--inference-queue",
      paramLabel = "N",
      description =
          "Requests waiting for inference beyond those;"
              + " more get 503 with Retry-After (default: ${DEFAULT-VALUE}).")
  int inferenceQueue = 64;

  @Mixin CacheOption cache;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    }
    if (decodeMemoryMb < 1) {
      throw new IllegalArgumentException(
          "--decode-memory-mb must be at least 1, got " + decodeMemoryMb);
    }
    if (maxUploadMb < 1) {
      throw new IllegalArgumentException("--max-upload-mb must be at least 1, got " + maxUploadMb);
    }
    String secret = token();
    if (secret == null && !insecureNoToken && !isLoopback(host)) {
      throw new IllegalArgumentException(
          "--host "
              + host
              + " exposes the server beyond this machine: give a token (--token-file FILE or"
              + " PATHLENS_TOKEN), or --insecure-no-token to serve the index to anyone who reaches it");
    }
    ServerConfig config =
        new ServerConfig(
            index.location,
            model.bundle,
            promptsDir,
            host,
            port,
            secret,
            maxUploadMb * 1024L * 1024L,
            maxPixels.maxPixels,
            decodeMemoryMb * 1024L * 1024L,
            inferenceThreads,
            inferenceQueue,
            cache.directory(),
            model.toEncoderOptions());
    return serveUntilStopped(config, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The token: --token, else the first line of --token-file, else PATHLENS_TOKEN, else none. */
  private String token() throws IOException {
    if (token != null && tokenFile != null) {
      throw new IllegalArgumentException("give --token or --token-file, not both");
    }
    if (token != null) {
      return token;
    }
    if (tokenFile != null) {
      List<String> lines = Files.readAllLines(tokenFile);
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("--token-file " + tokenFile + " is empty");
      }
      return lines.getFirst().strip();
    }
    String fromEnvironment = System.getenv("PATHLENS_TOKEN");
    return fromEnvironment == null || fromEnvironment.isEmpty() ? null : fromEnvironment;
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return true; // not an address at all: BindCheck names it
    }
  }

  /**
   * Starts the server, prints the ready line on {@code out} once it accepts requests, and runs
   * until Ctrl-C; a failure to stop goes to {@code err}.
   */
  static int serveUntilStopped(ServerConfig config, PrintWriter out, PrintWriter err)
      throws Exception {
    PathLensServer server = PathLensServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    err.println("pathlens: stopping the server: " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    out.println("PathLens ready at " + server.url());
    out.flush(); // a parent process waits for this line
    stopped.await();
    return 0;
  }
}
