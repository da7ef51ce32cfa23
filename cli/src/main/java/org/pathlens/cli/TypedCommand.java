package org.pathlens.cli;

import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/** The command line as the user typed it, for reports that record how they were made. */
final class TypedCommand {

  /** Arguments that a POSIX shell reads as they are; anything else is single-quoted. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private TypedCommand() {}

  static String of(CommandSpec spec) {
    List<String> args = spec.root().commandLine().getParseResult().originalArgs();
    StringBuilder out = new StringBuilder(spec.root().name());
    for (String arg : args) {
      out.append(' ')
          .append(PLAIN.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return out.toString();
  }
}
