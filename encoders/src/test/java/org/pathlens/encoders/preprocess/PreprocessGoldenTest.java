package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance test: every image of fixtures/golden/preprocess through every config, against
 * torchvision 0.14 + Pillow 9.4. Tolerance per channel: max |diff| <= 2/255 and mean |diff| <=
 * 0.5/255 on the uint8 crop, the same divided by std on the normalised tensor. Lossless sources
 * (all but JPEG) must match exactly: decoding and resizing are bit-exact with PIL, so any
 * difference there is a bug. JPEG differs because the JDK's decoder is not libjpeg-turbo.
 */
class PreprocessGoldenTest {

  private static final ImageDecoder DECODER = new ImageDecoder(50_000_000L);
  private static final List<String> REPORT = new ArrayList<>();

  static Stream<Arguments> cases() {
    JsonNode index = GoldenFiles.index();
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : index.get("cases")) {
      out.add(
          Arguments.of(
              c.get("image").asText() + " " + c.get("config").asText(),
              c,
              index.get("configs").get(c.get("config").asText())));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTorchvision(String label, JsonNode c, JsonNode configJson) throws Exception {
    var config = GoldenFiles.config(configJson);
    var preprocessor = new ImagePreprocessor(config);
    RgbImage decoded = DECODER.decode(GoldenFiles.dir().resolve(c.get("image").asText()));
    assertEquals(c.get("width").asInt(), decoded.width(), "decoded width");
    assertEquals(c.get("height").asInt(), decoded.height(), "decoded height");
    // Decoding alone, before any resize: PIL's convert("RGB") bytes, by hash.
    boolean sameDecode = c.get("rgbSha256").asText().equals(sha256(decoded.rgb()));

    RgbImage actual = preprocessor.resizeAndCrop(decoded);
    RgbImage expected = DECODER.decode(GoldenFiles.dir().resolve(c.get("crop").asText()));
    assertEquals(config.size(), actual.width());
    assertEquals(config.size(), actual.height());

    double[] max = new double[3];
    double[] mean = new double[3];
    byte[] a = actual.rgb();
    byte[] e = expected.rgb();
    int n = a.length / 3;
    for (int i = 0; i < a.length; i++) {
      int d = Math.abs((a[i] & 0xFF) - (e[i] & 0xFF));
      max[i % 3] = Math.max(max[i % 3], d);
      mean[i % 3] += d / (double) n;
    }
    String line =
        String.format(
            Locale.ROOT,
            "%-40s decode %s  crop |diff| max R/G/B %s  mean R/G/B %s",
            label,
            sameDecode ? "identical" : "DIFFERS  ",
            fmt(max, "%.0f"),
            fmt(mean, "%.4f"));

    boolean lossless = !c.get("image").asText().endsWith(".jpg");
    if (lossless) {
      assertTrue(sameDecode, label + ": decoded pixels differ from PIL's convert(\"RGB\")");
    }
    for (int ch = 0; ch < 3; ch++) {
      if (lossless) {
        assertEquals(0.0, max[ch], label + " channel " + ch + ": lossless source must be exact");
      }
      assertTrue(max[ch] <= 2, label + " channel " + ch + " max diff " + max[ch] + " > 2/255");
      assertTrue(
          mean[ch] <= 0.5, label + " channel " + ch + " mean diff " + mean[ch] + " > 0.5/255");
    }

    if (c.has("tensor")) {
      float[] want = GoldenFiles.readF32Gz(GoldenFiles.dir().resolve(c.get("tensor").asText()));
      float[] got = new float[want.length + 5];
      preprocessor.preprocess(decoded, got, 5); // the batch-slot variant, at an offset
      int plane = config.size() * config.size();
      assertEquals(3 * plane, want.length);
      double[] tmax = new double[3];
      double[] tmean = new double[3];
      for (int i = 0; i < want.length; i++) {
        double d = Math.abs(got[i + 5] - want[i]);
        tmax[i / plane] = Math.max(tmax[i / plane], d);
        tmean[i / plane] += d / plane;
      }
      line +=
          String.format(
              Locale.ROOT, "  tensor max %s mean %s", fmt(tmax, "%.2e"), fmt(tmean, "%.2e"));
      for (int ch = 0; ch < 3; ch++) {
        double std = config.std()[ch];
        assertTrue(
            tmax[ch] <= 2 / 255.0 / std + 1e-6,
            label + " tensor channel " + ch + " max " + tmax[ch]);
        assertTrue(
            tmean[ch] <= 0.5 / 255.0 / std + 1e-6,
            label + " tensor channel " + ch + " mean " + tmean[ch]);
        if (lossless) {
          assertEquals(0.0, tmax[ch], label + " tensor channel " + ch + " must be bit-exact");
        }
      }
    }
    synchronized (REPORT) {
      REPORT.add(line);
    }
  }

  @AfterAll
  static void printReport() {
    System.out.println(
        "Preprocess golden diffs (Java vs torchvision 0.14 / Pillow 9.4), in 1/255 units:");
    REPORT.stream().sorted().forEach(System.out::println);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static String fmt(double[] v, String f) {
    return String.format(Locale.ROOT, f + "/" + f + "/" + f, v[0], v[1], v[2]);
  }
}
