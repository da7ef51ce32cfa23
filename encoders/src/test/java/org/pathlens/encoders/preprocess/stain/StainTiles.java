package org.pathlens.encoders.preprocess.stain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.testkit.TestData;

/**
 * The tiles the stain goldens were computed on ({@code generate tiles --per-class 1 --centers 5
 * --seed 1}), generated once per test JVM, and the golden file {@code
 * fixtures/golden/stain/stain.json}.
 */
final class StainTiles {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path dir;
  private static JsonNode golden;

  private StainTiles() {}

  static synchronized Path dir() {
    if (dir == null) {
      try {
        Path out = Files.createTempDirectory("pathlens-stain-tiles");
        SyntheticTiles.write(out, 1, 5, 1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(out)));
        dir = out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  static synchronized JsonNode golden() {
    if (golden == null) {
      try {
        golden = JSON.readTree(TestData.golden("stain").resolve("stain.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return golden;
  }

  /**
   * A tile by its path under the generated folder, e.g. {@code
   * tiles/center-b/TUM/center-b-TUM-00000.jpg}.
   */
  static RgbImage tile(String relative) {
    return decode(dir().resolve(relative));
  }

  static RgbImage decode(Path file) {
    try {
      return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(file);
    } catch (ImageDecodeException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(RgbImage image) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image.rgb()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder left behind is harmless
    }
  }
}
