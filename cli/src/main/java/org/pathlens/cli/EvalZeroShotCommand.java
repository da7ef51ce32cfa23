package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.classify.ZeroShotEvaluation;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.report.ReportWriter;
import org.pathlens.eval.report.ZeroShotReports;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.PromptSetReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pathlens eval zeroshot}: how well a prompt set classifies labelled tiles, and which
 * prompts help.
 */
@Command(
    name = "zeroshot",
    mixinStandardHelpOptions = true,
    header = "Measure a prompt set's zero-shot accuracy on labelled tiles.",
    description = {
      "Evaluate a prompt set on labelled tiles: accuracy, balanced accuracy, weighted F1, macro AUROC,",
      "Cohen's kappa (plain and quadratic) with bootstrap 95 %% intervals, per-class precision and recall,",
      "the confusion matrix, and the accuracy with each template or synonym left out (which prompts help).",
      "With --few-shot, also linear-probe, prototype and kNN classifiers trained on N labelled tiles per class."
    },
    footer = {
      "%nExample:",
      "  ./pathlens eval zeroshot --model fixtures/demo-bundle --prompts demo-crc9 \\",
      "      --labels /tmp/pl/tiles/manifest.csv --report /tmp/pl/report"
    })
final class EvalZeroShotCommand implements Callable<Integer> {

  @Mixin ModelOptions model;

  @Mixin StainCliOptions stain;

  @Mixin PromptSetOption prompts;

  @Option(
      names = "--labels",
      required = true,
      paramLabel = "CSV",
      description =
          "Tiles and their true class: a CSV with a header holding \"path\" (relative to the CSV) and the label"
              + " column; a manifest.csv from 'pathlens generate tiles' works as it is.")
  Path labelsFile;

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      description = "Column holding the true class id (default: ${DEFAULT-VALUE}).")
  String labelColumn = LabelledTiles.DEFAULT_LABEL_COLUMN;

  @Option(
      names = "--group-column",
      paramLabel = "NAME",
      description =
          "Column whose values the bootstrap resamples as units, e.g. slides; absent: tiles"
              + " (default: ${DEFAULT-VALUE}).")
  String groupColumn = LabelledTiles.DEFAULT_GROUP_COLUMN;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "Also write report.txt, metrics.json, report.html (self-contained, with the figures), report.json and"
              + " the figures as PNG here.")
  Path reportDir;

  @Spec CommandSpec spec;

  @Option(
      names = "--resamples",
      paramLabel = "N",
      description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
  int resamples = 1000;

  @Option(
      names = "--seed",
      description = "Seed of the bootstrap and the few-shot draws (default: ${DEFAULT-VALUE}).")
  long seed = Bootstrap.DEFAULT_SEED;

  @Option(names = "--no-ablation", description = "Skip the template and synonym ablation.")
  boolean noAblation;

  @Option(
      names = "--few-shot",
      split = ",",
      paramLabel = "N",
      description = "Labelled tiles per class for few-shot classifiers, e.g. 1,2,4,8,16.")
  List<Integer> fewShots = List.of();

  @Option(
      names = "--train",
      paramLabel = "CSV",
      description =
          "Draw the few-shot labels from this labelled set (same columns as --labels); default: hold out"
              + " the largest N per class of --labels and evaluate every classifier on the rest.")
  Path trainFile;

  @Option(
      names = "--repeats",
      paramLabel = "R",
      description = "Few-shot draws per N (default: ${DEFAULT-VALUE}).")
  int repeats = 5;

  @Option(
      names = "--screen-prompts",
      arity = "0..1",
      fallbackValue = "0.5",
      paramLabel = "SHARE",
      description =
          "Also screen the prompt set's variants (class name x template) on these tiles without"
              + " their labels, keep the top SHARE of each class's by mean confidence margin"
              + " p(1st) - p(2nd) (default SHARE: 0.5), and compare that ensemble with the full one:"
              + " the kept prompts, each metric of both and the paired-bootstrap interval of the"
              + " difference.")
  Double screenPrompts;

  @Override
  public Integer call() throws Exception {
    if (screenPrompts != null && !(screenPrompts > 0 && screenPrompts <= 1)) {
      throw new IllegalArgumentException(
          "--screen-prompts SHARE is the share of each class's prompt variants kept, in (0, 1];"
              + " got "
              + screenPrompts);
    }
    PrintWriter out = spec.commandLine().getOut();
    PromptSet promptSet = PromptSetReader.resolve(prompts.file);
    LabelledTiles labels = LabelledTiles.read(labelsFile, labelColumn, groupColumn);
    LabelledTiles train =
        trainFile == null ? null : LabelledTiles.read(trainFile, labelColumn, groupColumn);
    ZeroShotEvaluation.Options options =
        new ZeroShotEvaluation.Options(
            new Bootstrap(resamples, seed, 0.95),
            !noAblation,
            fewShots,
            repeats,
            seed,
            train,
            model.batchSize(),
            screenPrompts);
    StainOptions stainOptions =
        stain.toStainOptions(new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS));
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(model.bundle, model.toEncoderOptions())) {
      ZeroShotEvaluation.Report report =
          ZeroShotEvaluation.run(
              vlm,
              vlm.images().withStain(stainOptions),
              promptSet,
              labels,
              options,
              reason ->
                  spec.commandLine().getErr().println("pathlens eval zeroshot: skipped " + reason));
      if (!stainOptions.isNone()) {
        out.println("tiles embedded with " + stainOptions.describe());
      }
      out.print(report.toText());
      if (reportDir != null) {
        report.write(reportDir);
        ReportWriter.write(ZeroShotReports.of(report, TypedCommand.of(spec)), reportDir);
        out.println(
            "\nwrote "
                + reportDir.resolve("report.txt")
                + ", metrics.json, report.html, report.json and the figures");
      }
    }
    return 0;
  }
}
