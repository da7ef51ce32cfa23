package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pathlens.encoders.CanaryCheck;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.encoders.export.ModelExport;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every {@code pathlens export FAMILY} shares: where to write, which Python, then run. */
final class ExportOptions {

  // The export command this is mixed into: its out gets the progress and the check.
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "The bundle directory to write (must not exist, or be empty).")
  Path out;

  @Option(
      names = "--python",
      paramLabel = "PATH",
      description =
          "Python interpreter with torch and the family's library (default: PATHLENS_PYTHON, else"
              + " python3).")
  String python = ModelExport.defaultPython();

  @Option(
      names = "--pythonpath",
      paramLabel = "DIR",
      description =
          "Put DIR in front of PYTHONPATH, e.g. a source checkout of the library (repeatable).")
  List<Path> pythonPath = new ArrayList<>();

  // Python's torch takes it for tracing, PathLens for the check.
  @Mixin ThreadsOption threads;

  /** Runs the export of {@code family} with {@code arguments}; prints progress and the check. */
  int run(String family, List<String> arguments) {
    PrintWriter stdout = spec.commandLine().getOut(); // not out: that is the --out bundle
    ModelExport export = new ModelExport(python, pythonPath, Map.of(), family, arguments, out);
    CanaryCheck check =
        export.run(
            new EncoderOptions(
                DeviceChoice.CPU, false, EncoderOptions.DEFAULT_BATCH_SIZE, threads.threads),
            stdout::println);
    stdout.printf(
        Locale.ROOT,
        "checked in PathLens (%s): canary %s%nbundle ready: --model %s%n",
        check.engine(),
        check.describe(),
        out);
    return 0;
  }
}
