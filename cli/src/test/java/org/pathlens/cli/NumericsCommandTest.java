package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.CpuIsaCap;
import org.pathlens.encoders.NonFiniteEmbeddingException;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.NanBundleImages;
import org.pathlens.testkit.TestData;

/**
 * The command line's numbers: a non-finite model output is named and never printed or indexed, and
 * a JVM started as {@code ./pathlens} starts it (no oneDNN variable in its environment) gives the
 * golden embeddings, while one that lifts the cap either still does or is stopped by the canary.
 */
class NumericsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void embedStopsAtATileWhoseEmbeddingIsNotFiniteAndNamesIt() throws IOException {
    Path tiles = tiles();
    CliRun run =
        CliRun.of(
            "embed", "--model", nanBundle(), "--images", tiles.resolve("t1-red.png").toString());
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
    assertEquals(
        "pathlens embed: "
            + tiles.resolve("t1-red.png")
            + ": "
            + NonFiniteEmbeddingException.REASON,
        run.err()
            .lines()
            .filter(l -> l.startsWith("pathlens embed:"))
            .findFirst()
            .orElse(run.err()));
    assertTrue(run.outLines().isEmpty(), run.out());
  }

  @Test
  void ingestSkipsCountsAndNamesTilesWhoseEmbeddingIsNotFinite() throws IOException {
    Path tiles = tiles();
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            nanBundle(),
            "--index",
            tmp.resolve("index").toString(),
            "--tiles",
            tiles.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("tiles 3, slides 0, skipped 1 (non-finite 1), "), run.out());
    assertTrue(run.out().contains("the index holds 3 tiles"), run.out());
    assertTrue(
        run.err()
            .contains(
                "pathlens ingest: skipped "
                    + tiles.resolve("t1-red.png")
                    + ": "
                    + NonFiniteEmbeddingException.REASON),
        run.err());
  }

  @Test
  void aLaunchedJvmMatchesTheGoldenEmbeddingsAndACapLiftedOneIsCaughtOrRight() throws Exception {
    Path golden = TestData.golden("demo-bundle");
    Map<String, float[]> expected = new HashMap<>();
    for (JsonNode item :
        JSON.readTree(golden.resolve("image_embeddings.json").toFile()).get("items")) {
      expected.put(
          Path.of(item.get("input").asText()).getFileName().toString(),
          floats(item.get("embedding")));
    }
    List<String> embed =
        List.of(
            "embed",
            "--model",
            Fixtures.demoBundle().toString(),
            "--threads",
            "1",
            "--images",
            golden.resolve("images").toString());

    Child capped = child(List.of(), embed);
    assertEquals(0, capped.exitCode(), capped.err());
    assertEquals(expected.size(), capped.out().lines().count());
    double worst = worstCosine(capped.out(), expected);
    System.out.printf("default launch: worst golden cosine %.7f%n", worst);
    assertTrue(worst >= 0.9999, "worst cosine " + worst);

    Child lifted = child(List.of("-D" + CpuIsaCap.PROPERTY + "=ALL"), embed);
    if (lifted.exitCode() == 0) { // a CPU whose AVX-512 kernels are right: the numbers must be too
      assertTrue(worstCosine(lifted.out(), expected) >= 0.9999, lifted.out());
      System.out.println("cap lifted: this CPU's AVX-512 kernels match the reference");
    } else {
      assertEquals(ErrorReporter.USER_ERROR, lifted.exitCode(), lifted.err());
      String line =
          lifted
              .err()
              .lines()
              .filter(l -> l.startsWith("pathlens embed:"))
              .findFirst()
              .orElseThrow();
      System.out.println("cap lifted: " + line);
      assertTrue(line.contains("canary.json: canary check failed: cosine 0."), line);
      assertTrue(line.contains("ONEDNN_MAX_CPU_ISA=ALL"), line);
      assertTrue(line.contains("let PathLens cap them at AVX2: unset ONEDNN_MAX_CPU_ISA"), line);
      assertTrue(
          lifted.out().isEmpty(), "nothing is printed from a refused engine: " + lifted.out());
    }
  }

  private Path tiles() throws IOException {
    Path tiles = Files.createDirectories(tmp.resolve("tiles"));
    for (int i = 0; i < 4; i++) {
      String name = i == 1 ? "t1-red.png" : "t" + i + ".png";
      ImageIO.write(
          i == 1 ? NanBundleImages.red(64, 64) : NanBundleImages.tissue(64, 64, i),
          "png",
          tiles.resolve(name).toFile());
    }
    return tiles;
  }

  private static String nanBundle() {
    return TestData.bundle(NanBundleImages.BUNDLE).toString();
  }

  private static double worstCosine(String jsonLines, Map<String, float[]> expected)
      throws IOException {
    double worst = Double.POSITIVE_INFINITY;
    for (String line : jsonLines.lines().toList()) {
      JsonNode item = JSON.readTree(line);
      float[] actual = floats(item.get("embedding"));
      float[] want = expected.get(Path.of(item.get("input").asText()).getFileName().toString());
      double dot = 0;
      for (int i = 0; i < want.length; i++) {
        dot += (double) want[i] * actual[i];
      }
      worst = Math.min(worst, dot);
    }
    return worst;
  }

  private static float[] floats(JsonNode array) {
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) array.get(i).asDouble();
    }
    return v;
  }

  record Child(int exitCode, String out, String err) {}

  /**
   * {@code pathlens ARGS} in a JVM of its own, as {@code ./pathlens} starts it, without any oneDNN
   * variable.
   */
  private Child child(List<String> jvmFlags, List<String> args) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    ProcessBuilder builder =
        ChildJvm.of(jvmFlags, args).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove(CpuIsaCap.VARIABLE);
    builder.environment().remove("DNNL_MAX_CPU_ISA");
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("pathlens " + args + " did not finish in 120 s");
    }
    return new Child(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
