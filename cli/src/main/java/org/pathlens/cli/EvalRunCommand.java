package org.pathlens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.config.Expectations;
import org.pathlens.eval.config.ExpectedValuesWriter;
import org.pathlens.eval.report.EvalRunReports;
import org.pathlens.eval.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pathlens eval run}: reproduce evaluation configs and check their expected numbers. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run evaluation configs and check metrics against expected values.",
    description = {
      "Run evaluation configs (YAML, see eval/configs/) and check each metric against its expected value:",
      "one line per metric, OK or FAIL (value, expected, tolerance, bootstrap CI). Exit code 1 if any",
      "metric FAILs or has no expected value; --update records the measured values in the files instead.",
      "--report DIR also writes an HTML page with tables and plots, the numbers as JSON and the plots as PNG."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens eval run eval/configs/demo-tiny-zeroshot.yaml",
      "  ./pathlens eval run eval/configs/demo-tiny-zeroshot.yaml \\",
      "      --report /tmp/pl/eval-report"
    })
final class EvalRunCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "CONFIG", description = "Evaluation config files.")
  List<Path> configs;

  @Option(
      names = "--update",
      description = "Write the measured values into each config's expected: block (comments kept).")
  boolean update;

  @Mixin EvalOptions encoders;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "Also write report.html (self-contained), report.json and the figures as PNG into DIR;"
              + " with several configs, into DIR/<config file name>/.")
  Path reportDir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EncoderOptions encoder = encoders.toEncoderOptions();
    // Read every config first, so a typo in the last one fails before minutes of work on the first.
    List<EvalConfig> read = configs.stream().map(EvalConfigReader::read).toList();
    checkReportDirsDiffer(read);
    boolean allOk = true;
    EvalRun.TileCache cache =
        new EvalRun.TileCache(
            SyntheticDatasets
                .GENERATOR); // configs over the same model and data embed their tiles once
    for (EvalConfig config : read) {
      EvalRun.Result result =
          EvalRun.run(
              config,
              encoder,
              reason -> err.println("pathlens eval run: skipped " + reason),
              cache);
      out.printf(
          Locale.ROOT,
          "%s: %s, %d tiles, model %s (%s), bootstrap %d resamples, seed %d%n",
          config.file(),
          config.name(),
          result.tiles(),
          result.model(),
          result.bundleHash().substring(0, 12),
          config.bootstrap().resamples(),
          config.bootstrap().seed());
      if (result.cases() != null) {
        out.printf(
            Locale.ROOT,
            "  %d %ss queried, each leaving out %s; %d labelled by the majority of their tiles%n",
            result.cases().size(),
            result.cases().level(),
            result.cases().leftOut(),
            result.cases().mixedLabels());
      }
      if (result.classified() != null && result.classified().screening() != null) {
        out.println(
            "  prompts screened without labels on the dataset's tiles (mean p(1st) - p(2nd)):");
        result.classified().screening().report().forEach(line -> out.println("    " + line));
      }
      if (reportDir != null) {
        Path page =
            ReportWriter.write(
                EvalRunReports.of(
                    result, Expectations.check(config, result.values()), TypedCommand.of(spec)),
                reportDir(config, read.size()));
        err.println("pathlens eval run: wrote " + page + ", report.json and the figures beside it");
      }
      if (update) {
        int changed = ExpectedValuesWriter.update(config.file(), result.values());
        result
            .values()
            .forEach(v -> out.printf(Locale.ROOT, "  %-24s %.6f%n", v.name(), v.value()));
        out.printf(Locale.ROOT, "updated %d expected values in %s%n%n", changed, config.file());
        continue;
      }
      List<Expectations.Check> checks = Expectations.check(config, result.values());
      out.println(Expectations.HEADER);
      checks.forEach(c -> out.println(c.toText()));
      long failed = checks.stream().filter(c -> c.status() != Expectations.Status.OK).count();
      out.printf(Locale.ROOT, "%d OK, %d FAIL%n%n", checks.size() - failed, failed);
      allOk &= failed == 0;
    }
    return allOk ? 0 : 1;
  }

  /**
   * Where a config's report goes: DIR itself when it is the only config, else DIR/<its file name
   * without .yaml>.
   */
  private Path reportDir(EvalConfig config, int configCount) {
    String name = config.file().getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return configCount == 1 ? reportDir : reportDir.resolve(name);
  }

  /** Two configs of one file name would overwrite each other's report: refused before any work. */
  private void checkReportDirsDiffer(List<EvalConfig> read) {
    if (reportDir == null) {
      return;
    }
    Map<Path, Path> seen = new HashMap<>();
    for (EvalConfig config : read) {
      Path dir = reportDir(config, read.size());
      Path other = seen.putIfAbsent(dir, config.file());
      if (other != null) {
        throw new IllegalArgumentException(
            "--report: "
                + other
                + " and "
                + config.file()
                + " would both write "
                + dir
                + "; give them different file names or run them separately");
      }
    }
  }
}
