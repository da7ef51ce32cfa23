package org.pathlens.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the CLI in-process and captures what it printed: the command line's out and err are this
 * run's own writers (commands print only through them), so System.out and System.err are left alone
 * and runs may go in parallel. What libraries log (slf4j) goes to the real stderr.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = PathLens.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    CliRun run = new CliRun(code, out.toString(), err.toString());
    System.err.println(
        "pathlens " + String.join(" ", Arrays.asList(args)) + " -> " + code + "\n" + run.err);
    return run;
  }

  List<String> outLines() {
    return out.isBlank() ? List.of() : out.lines().toList();
  }
}
