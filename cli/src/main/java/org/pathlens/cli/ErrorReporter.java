package org.pathlens.cli;

import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.pathlens.encoders.EncoderException;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.slides.SlideException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the errors a user can fix (a wrong bundle, a bad argument, a missing file) into one line on
 * stderr and exit code 2; anything else is a bug and keeps its stack trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

  static final int USER_ERROR = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    if (isUserError(e)) {
      cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      return USER_ERROR;
    }
    e.printStackTrace(cli.getErr());
    return CommandLine.ExitCode.SOFTWARE;
  }

  private static boolean isUserError(Exception e) {
    return e instanceof BundleException
        || e instanceof EncoderException
        || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException
        || e instanceof UncheckedIOException
        || e instanceof NoSuchFileException
        || e instanceof SlideException;
  }
}
