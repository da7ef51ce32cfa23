package org.pathlens.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * RFC 7946 validation by a validator written by others: Placemark's {@code
 * @placemarkio/check-geojson} (the successor of Mapbox's geojsonhint) on Node. The package lives in
 * {@code $PATHLENS_NODE_MODULES} (or the system property {@code pathlens.node.modules}), by default
 * {@code ~/.cache/pathlens-node/node_modules}, where {@code .ci/run} installs it. A test skips only
 * where Node itself is missing ({@link #find} is empty); Node without the package fails the test,
 * saying how to install it.
 */
public final class GeoJsonCheck {

  /** The version {@code .ci/run} installs. */
  public static final String PACKAGE = "@placemarkio/check-geojson@0.1.14";

  /** Prints {@code <file>\t<issue as JSON>} per issue of each file named on its command line. */
  private static final String SCRIPT =
      "const { getIssues } = require(process.env.CHECK_GEOJSON);"
          + " const fs = require('fs');"
          + " for (const f of process.argv.slice(1)) {"
          + "   for (const i of getIssues(fs.readFileSync(f, 'utf8'))) {"
          + "     console.log(f + '\\t' + JSON.stringify(i));"
          + "   }"
          + " }";

  private final Path node;
  private final Path module;

  private GeoJsonCheck(Path node, Path module) {
    this.node = node;
    this.module = module;
  }

  /**
   * The validator, or empty where there is no {@code node} on the PATH.
   *
   * @throws IllegalStateException where Node is there but the package is not
   */
  public static Optional<GeoJsonCheck> find() {
    Optional<Path> node = onPath("node");
    if (node.isEmpty()) {
      return Optional.empty();
    }
    Path modules = nodeModules();
    Path module = modules.resolve("@placemarkio/check-geojson");
    if (!Files.isRegularFile(module.resolve("package.json"))) {
      throw new IllegalStateException(
          "the GeoJSON validator is not installed in "
              + modules
              + ": run .ci/run, or: mkdir -p "
              + modules.getParent()
              + " && cd "
              + modules.getParent()
              + " && npm install "
              + PACKAGE
              + " (PATHLENS_NODE_MODULES names another folder)");
    }
    return Optional.of(new GeoJsonCheck(node.get(), module));
  }

  /** Where the package is looked for. */
  public static Path nodeModules() {
    String property = System.getProperty("pathlens.node.modules");
    String env = System.getenv("PATHLENS_NODE_MODULES");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "pathlens-node", "node_modules");
  }

  /**
   * The validator's issues with {@code files}, each {@code <file>\t<issue JSON>}; empty when every
   * file is valid GeoJSON.
   */
  public List<String> issues(List<Path> files) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files to check");
    }
    List<String> command = new ArrayList<>(List.of(node.toString(), "-e", SCRIPT));
    files.forEach(f -> command.add(f.toAbsolutePath().toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CHECK_GEOJSON", module.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException("check-geojson did not finish in 2 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while check-geojson ran", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("check-geojson failed (exit " + process.exitValue() + "): " + output);
    }
    return output.lines().filter(l -> !l.isBlank()).toList();
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    return Optional.empty();
  }
}
