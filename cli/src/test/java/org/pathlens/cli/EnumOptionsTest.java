package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.encoders.bundle.ImageFeature;
import org.pathlens.encoders.preprocess.stain.StainFit;
import org.pathlens.encoders.preprocess.stain.StainMethod;
import org.pathlens.index.Quantization;
import org.pathlens.index.batch.ComBat;
import picocli.CommandLine.ParseResult;

/**
 * The options of a fixed set of values are enums that picocli converts: in any case, with the
 * spellings and aliases the command line took before they were typed, and with each command's
 * default.
 */
class EnumOptionsTest {

  /** The command object {@code args} reach, parsed as the command line parses them. */
  private static <T> T parsed(Class<T> type, String... args) {
    ParseResult result = PathLens.commandLine().parseArgs(args);
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return type.cast(result.commandSpec().userObject());
  }

  private static EmbedCommand embed(String... options) {
    String[] args = new String[options.length + 5];
    System.arraycopy(new String[] {"embed", "--model", "m", "--text", "t"}, 0, args, 0, 5);
    System.arraycopy(options, 0, args, 5, options.length);
    return parsed(EmbedCommand.class, args);
  }

  @Test
  void deviceTakesAutoCpuGpuAndCudaInAnyCase() {
    assertEquals(DeviceChoice.AUTO, embed().model.device);
    assertEquals(DeviceChoice.CPU, embed("--device", "CPU").model.device);
    assertEquals(DeviceChoice.GPU, embed("--device", "gpu").model.device);
    assertEquals(DeviceChoice.GPU, embed("--device", "cuda").model.device);
    // The evaluations run on the CPU unless told otherwise: the configs' values are recorded there.
    assertEquals(
        DeviceChoice.CPU, parsed(EvalRunCommand.class, "eval", "run", "c.yaml").encoders.device);
    assertEquals(
        DeviceChoice.AUTO,
        parsed(EvalTableCommand.class, "eval", "table", "--out", "t", "--device", "auto", "c.yaml")
            .encoders
            .device);
  }

  @Test
  void stainOptions() {
    assertEquals(StainMethod.NONE, embed().stain.method);
    assertEquals(StainFit.TILE, embed().stain.fit);
    assertEquals(StainMethod.MACENKO, embed("--stain-norm", "Macenko").stain.method);
    assertEquals(StainFit.SLIDE, embed("--stain-fit", "slide").stain.fit);
  }

  @Test
  void quantizationTakesFloatForNone() {
    String[] ingest = {"ingest", "--model", "m", "--index", "idx", "--tiles", "t"};
    assertEquals(Quantization.NONE, parsed(IngestCommand.class, ingest).quantization);
    for (String none : new String[] {"none", "float", "FLOAT"}) {
      String[] args = java.util.Arrays.copyOf(ingest, ingest.length + 2);
      args[ingest.length] = "--quantization";
      args[ingest.length + 1] = none;
      assertEquals(Quantization.NONE, parsed(IngestCommand.class, args).quantization, none);
    }
    assertEquals(
        Quantization.INT8,
        parsed(
                IngestCommand.class,
                "ingest",
                "--model",
                "m",
                "--index",
                "idx",
                "--tiles",
                "t",
                "--quantization",
                "int8")
            .quantization);
  }

  @Test
  void batchCorrectionMethodKeepsItsSpellings() {
    assertEquals(
        ComBat.Method.EMPIRICAL_BAYES,
        parsed(IndexBatchCorrectCommand.class, "index", "batch-correct", "--index", "idx").method);
    for (String spelling : new String[] {"location_scale", "location-scale", "LOCATION_SCALE"}) {
      assertEquals(
          ComBat.Method.LOCATION_SCALE,
          parsed(
                  IndexBatchCorrectCommand.class,
                  "index",
                  "batch-correct",
                  "--index",
                  "idx",
                  "--method",
                  spelling)
              .method,
          spelling);
    }
  }

  @Test
  void imageFeatureKeepsItsSpelling() {
    String[] conch = {"export", "conch", "--checkpoint", "c.bin", "--out", "o"};
    assertEquals(ImageFeature.PROJECTED, parsed(ExportConchCommand.class, conch).imageFeature);
    assertEquals(
        ImageFeature.PRE_PROJECTION,
        parsed(
                ExportConchCommand.class,
                "export",
                "conch",
                "--checkpoint",
                "c.bin",
                "--out",
                "o",
                "--image-feature",
                "pre-projection")
            .imageFeature);
  }

  @Test
  void commandsOwnChoices() {
    String[] similar = {"similar", "--model", "m", "--index", "idx", "--slide", "s"};
    assertEquals(SimilarCommand.RankBy.TILES, parsed(SimilarCommand.class, similar).rankBy);
    assertEquals(
        SimilarCommand.RankBy.EMBEDDING,
        parsed(
                SimilarCommand.class,
                "similar",
                "--model",
                "m",
                "--index",
                "idx",
                "--slide",
                "s",
                "--rank-by",
                "embedding")
            .rankBy);
    assertEquals(
        ClassifyCommand.Pooling.MEAN,
        parsed(
                ClassifyCommand.class,
                "classify",
                "--model",
                "m",
                "--prompts",
                "p",
                "--index",
                "idx",
                "--per-slide",
                "--pooling",
                "mean")
            .pooling);
    assertEquals(
        BenchCommand.Index.Backend.OPENSEARCH,
        parsed(BenchCommand.Index.class, "bench", "index", "--backend", "opensearch").backend);
  }
}
