package org.pathlens.encoders.export;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.pathlens.encoders.CanaryCheck;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.bundle.BundleException;

/**
 * Exports a model to a bundle with the model's own Python code, then proves the bundle in PathLens.
 *
 * <p>The exporter script is written to a temporary file and run as {@code PYTHON pathlens_export.py
 * FAMILY ARGS --out STAGING}; its output is passed on line by line. The bundle is written to a
 * staging folder beside {@code out} and loaded with PathLens's own engine (the contract checks, the
 * encoders' probe and the canary the original code computed); only a bundle that passes is moved to
 * {@code out}, so a failed or interrupted export never leaves a bundle that looks whole.
 *
 * @param python the interpreter with torch and the family's library
 * @param pythonPath directories put in front of {@code PYTHONPATH} (a source checkout of the
 *     library)
 * @param environment extra environment variables for the exporter process
 * @param family {@code open_clip}, {@code hf-clip} or {@code conch}
 * @param arguments the family's arguments, e.g. {@code --arch ViT-B-16 --checkpoint FILE}
 * @param out the bundle directory to create; must not exist or be empty
 */
public record ModelExport(
    String python,
    List<Path> pythonPath,
    Map<String, String> environment,
    String family,
    List<String> arguments,
    Path out) {

  public static final List<String> FAMILIES = List.of("open_clip", "hf-clip", "conch");

  /** The interpreter: {@code PATHLENS_PYTHON} when set, else {@code python3} on the PATH. */
  public static String defaultPython() {
    String fromEnv = System.getenv("PATHLENS_PYTHON");
    return fromEnv == null || fromEnv.isBlank() ? "python3" : fromEnv;
  }

  public ModelExport {
    pythonPath = List.copyOf(pythonPath);
    environment = Map.copyOf(environment);
    arguments = List.copyOf(arguments);
    if (!FAMILIES.contains(family)) {
      throw new IllegalArgumentException("family must be one of " + FAMILIES + ", got " + family);
    }
  }

  /**
   * Runs the export and the check. {@code log} receives the exporter's progress lines.
   *
   * @return the canary check of the bundle now at {@code out}
   * @throws ExportException for what the user can fix, with the exporter's own one-line reason
   */
  public CanaryCheck run(EncoderOptions options, Consumer<String> log) {
    Path target = out.toAbsolutePath().normalize();
    requireFreshTarget(target);
    Path staging = null;
    Path scriptDir = null;
    try {
      Files.createDirectories(target.getParent());
      staging = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
      scriptDir = Files.createTempDirectory("pathlens-export");
      Path script = scriptDir.resolve("pathlens_export.py");
      try (InputStream in = ModelExport.class.getResourceAsStream("pathlens_export.py")) {
        Files.copy(in, script);
      }
      runExporter(script, staging, options, log);
      CanaryCheck check = prove(staging, target, options);
      Files.deleteIfExists(target); // an empty folder the user made
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      staging = null;
      return check;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(staging);
      deleteTree(scriptDir);
    }
  }

  private static void requireFreshTarget(Path target) {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new ExportException(target + ": exists and is not a directory; choose another --out");
    }
    try (Stream<Path> entries = Files.list(target)) {
      if (entries.findAny().isPresent()) {
        throw new ExportException(
            target + ": exists and is not empty; remove it or choose another --out");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void runExporter(Path script, Path staging, EncoderOptions options, Consumer<String> log)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(python, "-u", script.toString(), family));
    command.addAll(arguments);
    command.addAll(List.of("--out", staging.toString()));
    if (options.threads() > 0) {
      command.addAll(List.of("--threads", Integer.toString(options.threads())));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
    builder.environment().putAll(environment);
    if (!pythonPath.isEmpty()) {
      List<String> parts = new ArrayList<>();
      pythonPath.forEach(p -> parts.add(p.toAbsolutePath().toString()));
      String existing = builder.environment().get("PYTHONPATH");
      if (existing != null && !existing.isEmpty()) {
        parts.add(existing);
      }
      builder.environment().put("PYTHONPATH", String.join(java.io.File.pathSeparator, parts));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ExportException(
          python
              + ": cannot run it ("
              + e.getMessage()
              + "); install Python 3 with torch, or set PATHLENS_PYTHON / --python",
          e);
    }
    process.getOutputStream().close();
    Deque<String> errors = new ArrayDeque<>();
    Thread stderr =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (BufferedReader err = reader(process.getErrorStream())) {
                    for (String line; (line = err.readLine()) != null; ) {
                      synchronized (errors) {
                        errors.addLast(line);
                        if (errors.size() > 40) {
                          errors.removeFirst();
                        }
                      }
                    }
                  } catch (IOException ignored) {
                    // the process ended; what was read is kept
                  }
                });
    try (BufferedReader stdout = reader(process.getInputStream())) {
      for (String line; (line = stdout.readLine()) != null; ) {
        log.accept(line);
      }
    }
    int status;
    try {
      status = process.waitFor();
      stderr.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ExportException("export interrupted");
    }
    if (status != 0) {
      throw new ExportException(failure(status, List.copyOf(errors)));
    }
  }

  /** The exporter's own "export: ..." line when it gave one, else the end of its stderr. */
  private String failure(int status, List<String> errors) {
    for (int i = errors.size() - 1; i >= 0; i--) {
      if (errors.get(i).startsWith("export: ")) {
        return errors.get(i).substring("export: ".length());
      }
    }
    List<String> tail = errors.subList(Math.max(0, errors.size() - 6), errors.size());
    return python
        + " exited with status "
        + status
        + (tail.isEmpty() ? "" : ":\n  " + String.join("\n  ", tail));
  }

  /** Loads the staged bundle as PathLens will serve it: contract, probe and canary. */
  private static CanaryCheck prove(Path staging, Path target, EncoderOptions options) {
    try (VisionLanguageModel model = VisionLanguageModel.load(staging, options)) {
      return model.canary();
    } catch (BundleException e) {
      throw new ExportException(
          "the exported bundle does not run in PathLens (nothing written to "
              + target
              + "): "
              + e.getMessage().replace(staging.toString(), target.toString()),
          e);
    }
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary folder left behind is not worth failing the export for
    }
  }
}
