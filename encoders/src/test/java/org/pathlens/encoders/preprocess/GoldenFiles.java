package org.pathlens.encoders.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.pathlens.encoders.bundle.ImageConfig;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.bundle.ResizeMode;

/** Locates and reads fixtures/golden/preprocess (written by make_preprocess_golden.py). */
final class GoldenFiles {

  private GoldenFiles() {}

  /** The repository root: system property pathlens.root (set by surefire), else walk up. */
  static Path root() {
    String property = System.getProperty("pathlens.root");
    if (property != null && Files.isDirectory(Path.of(property, "fixtures"))) {
      return Path.of(property);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("fixtures/golden/preprocess"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "repository root not found: set -Dpathlens.root or run from inside the repository");
  }

  static Path dir() {
    return root().resolve("fixtures/golden/preprocess");
  }

  /** ../shared next to the repository (or $PATHLENS_SHARED), if present. */
  static Optional<Path> shared() {
    String env = System.getenv("PATHLENS_SHARED");
    Path p = env != null && !env.isBlank() ? Path.of(env) : root().toAbsolutePath().getParent().resolve("shared");
    return Files.isDirectory(p.resolve("data")) ? Optional.of(p) : Optional.empty();
  }

  static JsonNode index() {
    try {
      return new ObjectMapper().readTree(dir().resolve("index.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ImageConfig config(JsonNode c) {
    return new ImageConfig(
        c.get("size").asInt(),
        ResizeMode.parse(c.get("resize").asText()),
        Interpolation.parse(c.get("interpolation").asText()),
        floats(c.get("mean")),
        floats(c.get("std")));
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      // Parsed as double then narrowed, as torch narrows the Python floats of Normalize.
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  static byte[] gunzip(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[] readF32Gz(Path file) {
    ByteBuffer buf = ByteBuffer.wrap(gunzip(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[buf.remaining() / 4];
    buf.asFloatBuffer().get(out);
    return out;
  }
}
