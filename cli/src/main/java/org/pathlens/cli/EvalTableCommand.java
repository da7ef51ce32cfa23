package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalConfigReader;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.config.Expectations;
import org.pathlens.eval.config.ExpectedValuesWriter;
import org.pathlens.eval.config.ResultTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pathlens eval table}: run configs and lay their results out as one methods × metrics
 * table.
 */
@Command(
    name = "table",
    mixinStandardHelpOptions = true,
    header = "Run evaluation configs and lay their results out as one table.",
    description = {
      "Run evaluation configs, check them as eval run does, and write one table of their results: a row per",
      "robustify setting (table.row, else the setting described; 'none' without one), a column per metric",
      "(renamed by table.columns), cells 'value [95 %% CI]'. PREFIX.md gets the markdown table between its",
      "table markers (the text around them is kept; a new file is created), PREFIX.json every number.",
      "Configs over the same model and dataset embed their tiles once. Exit code 1 if any metric is not OK."
    },
    footer = {
      "%nExample:",
      "  ./pathlens eval table --out /tmp/pl/table --metrics accuracy \\",
      "      eval/configs/demo-tiny-zeroshot.yaml \\",
      "      eval/configs/demo-tiny-zeroshot-combat.yaml"
    })
final class EvalTableCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "CONFIG", description = "Evaluation config files.")
  List<Path> configs;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "PREFIX",
      description = "Writes PREFIX.md and PREFIX.json.")
  Path out;

  @Option(
      names = "--metrics",
      split = ",",
      paramLabel = "NAME",
      description = "Columns, in order (default: every metric).")
  List<String> metrics = new ArrayList<>();

  @Mixin EvalOptions encoders;

  @Option(
      names = "--update",
      description =
          "Write the measured values into each config's expected: block (comments kept),"
              + " as eval run --update does, and make the table of them.")
  boolean update;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut(); // not out: that is the --out path
    EncoderOptions encoder = encoders.toEncoderOptions();
    List<EvalConfig> read = configs.stream().map(EvalConfigReader::read).toList();
    ResultTable table = new ResultTable();
    long failed = 0;
    long start = System.nanoTime();
    // Rows that embed the same generated tiles with other stain handling generate them once.
    try (EvalRun.TileCache cache =
        EvalRun.TileCache.keepingGeneratedTiles(SyntheticDatasets.GENERATOR)) {
      for (EvalConfig config : read) {
        long t0 = System.nanoTime();
        EvalRun.Result result =
            EvalRun.run(
                config,
                encoder,
                reason ->
                    spec.commandLine().getErr().println("pathlens eval table: skipped " + reason),
                cache);
        if (update) {
          ExpectedValuesWriter.update(config.file(), result.values());
          config = EvalConfigReader.read(config.file());
        }
        List<Expectations.Check> checks = Expectations.check(config, result.values());
        long bad = checks.stream().filter(c -> c.status() != Expectations.Status.OK).count();
        stdout.printf(
            Locale.ROOT,
            "%s: %s [%s], %d tiles, %d OK, %d FAIL, %.0f s%n",
            config.file(),
            config.name(),
            config.tableRow(),
            result.tiles(),
            checks.size() - bad,
            bad,
            (System.nanoTime() - t0) / 1e9);
        checks.stream()
            .filter(c -> c.status() != Expectations.Status.OK)
            .forEach(c -> stdout.println("  " + c.toText()));
        failed += bad;
        table.add(result);
      }
    }
    String command =
        "./pathlens eval table --out "
            + out
            + (metrics.isEmpty() ? "" : " --metrics " + String.join(",", metrics));
    Path md = Path.of(out + ".md");
    Path json = Path.of(out + ".json");
    table.writeMarkdown(md, metrics, command);
    table.writeJson(json, command);
    stdout.printf(
        Locale.ROOT,
        "%n%s%nwrote %s and %s (%d configs, %.0f s)%n",
        table.toMarkdown(metrics),
        md,
        json,
        read.size(),
        (System.nanoTime() - start) / 1e9);
    return failed == 0 ? 0 : 1;
  }
}
