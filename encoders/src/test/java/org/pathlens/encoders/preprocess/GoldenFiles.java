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
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/** Locates and reads fixtures/golden/preprocess (written by make_preprocess_golden.py). */
final class GoldenFiles {

  private GoldenFiles() {}

  static Path dir() {
    return TestData.golden("preprocess");
  }

  static Optional<Path> shared() {
    return Fixtures.shared();
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
