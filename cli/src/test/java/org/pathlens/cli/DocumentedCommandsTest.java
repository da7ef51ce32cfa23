package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README and docs/ as a newcomer reads them: every link resolves, and every {@code ./pathlens}
 * command in a code block names a verb and options that exist, with every required option given
 * (picocli parses each one as the shell would split it). The help commands run for real.
 */
class DocumentedCommandsTest {

  private static final Path ROOT = Path.of(System.getProperty("pathlens.root"));

  /** A documented command and where it stands. */
  record Documented(String where, List<String> args) {}

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /**
   * The {@code ./pathlens} lines of fenced blocks, continuations joined, comments and pipes cut.
   */
  static List<Documented> commands() throws IOException {
    List<Documented> commands = new ArrayList<>();
    for (Path page : pages()) {
      List<String> lines = Files.readAllLines(page);
      boolean fenced = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (!fenced || !line.startsWith("./pathlens ") && !line.equals("./pathlens")) {
          continue;
        }
        int first = i;
        StringBuilder command = new StringBuilder();
        while (line.endsWith("\\")) {
          command.append(line, 0, line.length() - 1).append(' ');
          line = lines.get(++i);
        }
        command.append(line);
        List<String> words = shellWords(command.toString());
        commands.add(
            new Documented(
                ROOT.relativize(page) + ":" + (first + 1), words.subList(1, words.size())));
      }
    }
    return commands;
  }

  /** Splits as a POSIX shell does for these lines: quotes, and a stop at #, |, &&, ; or >. */
  static List<String> shellWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else if ((c == '#' && word == null) || c == '|' || c == ';' || c == '>' || c == '&') {
        break;
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  @Test
  void everyDocumentedCommandParses() throws IOException {
    List<Documented> commands = commands();
    assertTrue(commands.size() > 50, "found only " + commands.size() + " commands");
    List<String> refused = new ArrayList<>();
    for (Documented command : commands) {
      try {
        PathLens.commandLine().parseArgs(command.args().toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        refused.add(
            command.where() + ": " + String.join(" ", command.args()) + ": " + e.getMessage());
      }
    }
    assertEquals(List.of(), refused);
  }

  /**
   * {@code ./pathlens --help} lists each verb with a whole sentence, and every verb that does work
   * shows an example in its help that parses as it stands.
   */
  @Test
  void everyVerbSaysWhatItDoesInASentenceAndShowsAnExampleThatParses() {
    List<String> problems = new ArrayList<>();
    checkHelp(PathLens.commandLine(), "pathlens", problems);
    assertEquals(List.of(), problems);
    CliRun top = CliRun.of("--help");
    assertEquals(0, top.exitCode());
    for (String line : top.out().lines().toList()) {
      if (line.matches("  [a-z-]+ {2,}\\S.*")) {
        assertTrue(line.strip().endsWith("."), "summary is not a whole sentence: " + line);
      }
    }
  }

  private static void checkHelp(CommandLine command, String name, List<String> problems) {
    for (var entry : command.getSubcommands().entrySet()) {
      if (entry.getKey().equals("help")) {
        continue;
      }
      CommandLine sub = entry.getValue();
      String path = name + " " + entry.getKey();
      String[] header = sub.getCommandSpec().usageMessage().header();
      if (header.length != 1 || !header[0].endsWith(".")) {
        problems.add(path + ": the summary is not one sentence: " + List.of(header));
      }
      if (!sub.getSubcommands().isEmpty()) {
        checkHelp(sub, path, problems);
        continue;
      }
      String footer =
          String.join("\n", sub.getCommandSpec().usageMessage().footer()).replace("%n", "\n");
      String example = footer.replaceAll("\\\\\n\\s*", " ");
      List<String> commands =
          example.lines().map(String::strip).filter(l -> l.startsWith("./pathlens ")).toList();
      if (commands.isEmpty()) {
        problems.add(path + ": its help shows no example");
      }
      for (String line : commands) {
        List<String> words = shellWords(line);
        try {
          PathLens.commandLine().parseArgs(words.subList(1, words.size()).toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
          problems.add(path + ": example '" + line + "' does not parse: " + e.getMessage());
        }
      }
    }
  }

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyLinkBetweenPagesResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      Matcher m = LINK.matcher(Files.readString(page));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("[a-z]+:.*") || target.startsWith("#")) {
          continue; // a URL, or an anchor in the same page
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        if (!Files.exists(page.getParent().resolve(file))) {
          broken.add(ROOT.relativize(page) + " -> " + target);
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void theReadmeIsAFrontDoor() throws IOException {
    List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
    assertTrue(readme.size() <= 250, "README has " + readme.size() + " lines");
    int demo =
        readme.indexOf(
            "./pathlens demo      # synthetic H&E tiles and a slide: search,"
                + " zero-shot, then the web UI at http://127.0.0.1:7070");
    int tests = readme.indexOf("./build test         # the whole test suite (what CI runs)");
    assertTrue(demo > 0 && tests == demo + 1, "the two quick-start commands lead the README");
  }
}
