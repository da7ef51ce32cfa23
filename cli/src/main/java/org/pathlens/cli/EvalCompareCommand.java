package org.pathlens.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.eval.config.ComparisonReport;
import org.pathlens.eval.config.EvalComparison;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.metrics.Bootstrap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pathlens eval compare}: is B better than A on the same tiles? */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    header = "Compare two models, prompt sets or settings on the same tiles.",
    description = {
      "Is B better than A on the same tiles? Per metric: A, B and B-A with a",
      "paired-bootstrap 95 %% CI and p-value, and McNemar's exact test of accuracy.",
      "  CONFIG --model-b DIR      B: the config with another model bundle",
      "  CONFIG --prompts-b FILE   B: the zero-shot config with another prompt set",
      "  A.yaml B.yaml             B: a second config over the same dataset (a",
      "                            few-shot setting, zero-shot against few-shot)",
      "Classification (zeroshot, fewshot) and retrieval configs; their expected:",
      "blocks are not checked."
    },
    footer = {
      "%nExample:",
      "  ./pathlens eval compare eval/configs/demo-tiny-zeroshot.yaml \\",
      "      --prompts-b eval/configs/prompts/demo-crc9-lay-terms.json"
    })
final class EvalCompareCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Parameters(
      arity = "1..2",
      paramLabel = "CONFIG",
      description = "A's evaluation config, and optionally B's.")
  List<Path> configs;

  @Option(
      names = "--model-b",
      paramLabel = "DIR",
      description = "B: A's config with this model bundle.")
  Path modelB;

  @Option(
      names = "--prompts-b",
      paramLabel = "FILE",
      description = "B: A's zero-shot config with this prompt set.")
  Path promptsB;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write every number (both sides' intervals too) as JSON.")
  Path json;

  @Option(
      names = "--resamples",
      paramLabel = "N",
      description = "Bootstrap resamples (default: A's bootstrap.resamples).")
  Integer resamples;

  @Mixin EvalOptions encoders;

  @Override
  public Integer call() {
    EvalConfig a = EvalConfigReader.read(configs.getFirst());
    EvalConfig b = sideB(a);
    Bootstrap bootstrap =
        resamples == null
            ? a.bootstrap()
            : new Bootstrap(
                requirePositive(resamples), a.bootstrap().seed(), a.bootstrap().level());
    EvalComparison.Result result =
        EvalComparison.run(
            a,
            b,
            bootstrap,
            encoders.toEncoderOptions(),
            reason ->
                spec.commandLine().getErr().println("pathlens eval compare: skipped " + reason),
            SyntheticDatasets.GENERATOR);
    spec.commandLine().getOut().print(ComparisonReport.toText(result));
    if (json != null) {
      ComparisonReport.writeJson(result, json);
    }
    return 0;
  }

  /** B from the second config, or from A with --model-b / --prompts-b. */
  private EvalConfig sideB(EvalConfig a) {
    boolean derived = modelB != null || promptsB != null;
    if (configs.size() == 2) {
      if (derived) {
        throw new IllegalArgumentException(
            "give B either as a second CONFIG or as --model-b/--prompts-b, not both");
      }
      return EvalConfigReader.read(configs.get(1));
    }
    if (!derived) {
      throw new IllegalArgumentException(
          "nothing to compare "
              + a.file()
              + " with: give --model-b DIR, --prompts-b FILE or a second CONFIG");
    }
    EvalConfig b = a;
    if (modelB != null) {
      if (a.dataset() instanceof EvalConfig.IndexTiles) {
        throw new IllegalArgumentException(
            "--model-b: "
                + a.file()
                + " reads its tiles' embeddings from an index built with A's "
                + "bundle; give B its own config with an index built with "
                + modelB
                + ", or use a labels CSV");
      }
      b = b.withModel(modelB.toAbsolutePath().normalize());
    }
    if (promptsB != null) {
      if (!(a.task() instanceof EvalConfig.ZeroShot)) {
        throw new IllegalArgumentException(
            "--prompts-b: " + a.file() + " is not a zero-shot config (task.type: zeroshot)");
      }
      b = b.withTask(new EvalConfig.ZeroShot(promptsB.toAbsolutePath().normalize()));
    }
    return b;
  }

  private static int requirePositive(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("--resamples must be >= 1, got " + n);
    }
    return n;
  }
}
