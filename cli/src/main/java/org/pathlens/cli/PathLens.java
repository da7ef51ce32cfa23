package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.pathlens.index.IndexLocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ./pathlens} command line: one subcommand class per verb. */
@Command(
    name = "pathlens",
    mixinStandardHelpOptions = true,
    version = "PathLens 0.1.0",
    description = "Search and classify histology with vision-language models.",
    subcommands = {
      DemoCommand.class,
      GenerateCommand.class,
      EmbedCommand.class,
      ExportCommand.class,
      BenchCommand.class,
      SlideCommand.class,
      ClassifyCommand.class,
      IngestCommand.class,
      IndexCommand.class,
      ClassifiersCommand.class,
      SearchCommand.class,
      SimilarCommand.class,
      HeatmapCommand.class,
      ServeCommand.class,
      OpenSearchCommand.class,
      EvalCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PathLens implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  // Held so the level sticks: java.util.logging keeps loggers only weakly. Lucene announces its
  // vector implementation at INFO on every start; stdout is data and stderr should stay for
  // problems.
  private static final Logger LUCENE_LOG = Logger.getLogger("org.apache.lucene");

  public static void main(String[] args) {
    LUCENE_LOG.setLevel(Level.WARNING);
    CommandLine cli = commandLine();
    // The process's real streams, the only place the CLI names them: commands print through
    // picocli's writers, which tests replace with their own. Set on the root so that every
    // subcommand shares one pair; UTF-8 as picocli's own writers and the JSON lines had it;
    // autoflush writes each line as it comes, and the flush below keeps a last print() without a
    // newline from being lost to System.exit.
    cli.setOut(new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    System.exit(code);
  }

  /**
   * {@code --index} as a directory or cluster URL. The reason alone reaches the user: picocli's
   * default message would repeat the whole value, credentials included.
   */
  private static IndexLocation indexLocation(String text) {
    try {
      return IndexLocation.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  /**
   * The command line with PathLens's error handling: bad input gives one clear line, not a trace.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new PathLens());
    cli.setExecutionExceptionHandler(new ErrorReporter());
    cli.registerConverter(IndexLocation.class, PathLens::indexLocation); // --index DIR or URL
    cli.setCaseInsensitiveEnumValuesAllowed(
        true); // --engines float,hnswlib as the help prints them
    return cli;
  }
}
