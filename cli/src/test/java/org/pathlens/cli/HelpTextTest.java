package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's --help renders: picocli only warns (and prints raw text) when a description is
 * malformed.
 */
class HelpTextTest {

  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    List<List<String>> paths = new ArrayList<>();
    collect(PathLens.commandLine(), new ArrayList<>(), paths);
    assertTrue(paths.size() > 20, "commands found: " + paths);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err());
      // The one-sentence summary (the header) first, then the usage line.
      assertTrue(
          run.out().lines().limit(2).anyMatch(l -> l.startsWith("Usage: pathlens")),
          String.join(" ", args) + ": " + run.out());
      assertFalse(run.err().contains("picocli WARN"), String.join(" ", args) + ": " + run.err());
    }
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    paths.add(List.copyOf(path));
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandName().equals(name)
                  && !name.equals("help")) { // aliases and picocli's help once each
                List<String> child = new ArrayList<>(path);
                child.add(name);
                collect(sub, child, paths);
              }
            });
  }
}
