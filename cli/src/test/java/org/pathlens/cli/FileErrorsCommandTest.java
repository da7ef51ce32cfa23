package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;

/**
 * Files of the wrong kind where the CLI reads or writes: one line naming the file and the cause,
 * exit 2, never a stack trace.
 */
class FileErrorsCommandTest {

  @TempDir Path tmp;

  private CliRun ingest(Path tiles, Path manifest, Path index) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "ingest",
                "--model",
                Fixtures.demoBundle().toString(),
                "--tiles",
                tiles.toString(),
                "--index",
                index.toString()));
    if (manifest != null) {
      args.addAll(List.of("--manifest", manifest.toString()));
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  private static void assertOneLine(CliRun run, String expected) {
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode(), run.err());
    assertEquals(
        List.of(expected), run.err().lines().filter(l -> l.startsWith("pathlens")).toList());
    assertFalse(run.err().contains("\tat "), "a stack trace: " + run.err());
  }

  @Test
  void aManifestThatIsADirectoryIsNamed() throws IOException {
    Path tiles = Files.createDirectories(tmp.resolve("tiles"));
    Path manifest = Files.createDirectories(tmp.resolve("manifest.csv"));
    Path index = tmp.resolve("index");
    assertOneLine(
        ingest(tiles, manifest, index), "pathlens ingest: " + manifest + ": Is a directory");
  }

  @Test
  void anIndexPathBlockedByAFileIsNamed() throws IOException {
    Path tiles = Files.createDirectories(tmp.resolve("tiles"));
    Path file = Files.writeString(tmp.resolve("a-file"), "not an index");
    assertOneLine(
        ingest(tiles, null, file), "pathlens ingest: " + file + ": exists and is not a directory");
    assertOneLine(
        ingest(tiles, null, file.resolve("index")),
        "pathlens ingest: " + file.resolve("index") + ": Not a directory");
    assertEquals("not an index", Files.readString(file));
  }

  @Test
  void aSearchOfAMissingIndexCreatesNothing() {
    Path missing = tmp.resolve("no-index");
    CliRun run =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            missing.toString(),
            "--keywords",
            "fat");
    assertOneLine(run, "pathlens search: no tile index in " + missing + " (no such directory)");
    assertFalse(Files.exists(missing));
  }
}
