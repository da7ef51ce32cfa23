package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;

/**
 * {@code pathlens index check} on a whole index, on one with flipped bytes and on one that lost a
 * thumbnail; and what a reader says of the flipped one.
 */
class IndexCheckCommandTest {

  @TempDir static Path data;
  private static Path index;

  @BeforeAll
  static void ingestASlide() throws IOException {
    Path slide =
        SyntheticSlide.write(
                data.resolve("S-9.tiff"),
                new SyntheticSlide.Options(
                    1536, 1024, "center-a", 5, 3, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    index = data.resolve("index");
    CliRun run =
        CliRun.of(
            "ingest",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--threads",
            "2",
            "--slides",
            slide.toString());
    assertEquals(0, run.exitCode(), run.err());
  }

  private static Path copyOfIndex(Path into) throws IOException {
    try (Stream<Path> files = Files.walk(index)) {
      for (Path f : files.toList()) {
        Path target = into.resolve(index.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return into;
  }

  @Test
  void aWholeIndexIsReportedWithItsRecords() {
    CliRun run = CliRun.of("index", "check", "--index", index.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    List<String> lines = run.outLines();
    assertEquals("index " + index, lines.getFirst());
    assertTrue(run.out().contains("checksums and structure intact"), run.out());
    assertTrue(run.out().contains("  bundle: pathlens-demo-crc9 ("), run.out());
    assertTrue(run.out().contains("  engine: "), run.out());
    assertTrue(
        run.out().contains("  slides: 1 records, 1 with their thumbnail and tiles"), run.out());
    assertEquals("ok: no problem found", lines.getLast());
  }

  @Test
  void flippedBytesAreAProblemForTheCheckAndADamagedIndexForAReader(@TempDir Path tmp)
      throws IOException {
    Path copy = copyOfIndex(tmp.resolve("index"));
    Path largest;
    try (Stream<Path> files = Files.list(copy)) {
      largest = files.max(Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(largest);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    Files.write(largest, bytes);

    CliRun check = CliRun.of("index", "check", "--index", copy.toString());
    assertEquals(1, check.exitCode(), check.out() + check.err());
    assertTrue(check.out().contains("1 problem:"), check.out());
    assertTrue(check.out().contains("  problem: segment "), check.out());
    assertTrue(check.out().contains("checksum failed"), check.out());

    CliRun search =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            copy.toString(),
            "--text",
            "tumor");
    assertEquals(ErrorReporter.USER_ERROR, search.exitCode(), search.err());
    List<String> said = search.err().lines().filter(l -> l.startsWith("pathlens")).toList();
    assertEquals(1, said.size(), search.err());
    assertTrue(
        said.getFirst().startsWith("pathlens search: index " + copy + " is damaged ("),
        said.getFirst());
    assertTrue(said.getFirst().contains("./pathlens index check --index " + copy), said.getFirst());
  }

  @Test
  void aLostThumbnailIsAProblem(@TempDir Path tmp) throws IOException {
    Path copy = copyOfIndex(tmp.resolve("index"));
    Files.delete(copy.resolve("thumbnails/S-9.png"));
    CliRun run = CliRun.of("index", "check", "--index", copy.toString());
    assertEquals(1, run.exitCode(), run.out());
    assertTrue(
        run.out()
            .contains(
                "  problem: slide S-9: thumbnail "
                    + copy.resolve("thumbnails/S-9.png")
                    + " is missing"),
        run.out());
  }

  @Test
  void aGarbledThumbnailAndADeletedRecordAreProblemsNamingTheirSlide(@TempDir Path tmp)
      throws IOException {
    Path copy = copyOfIndex(tmp.resolve("index"));
    Path thumbnail = copy.resolve("thumbnails/S-9.png");
    byte[] png = Files.readAllBytes(thumbnail);
    png[png.length / 2] ^= 0x20;
    Files.write(thumbnail, png);
    CliRun garbled = CliRun.of("index", "check", "--index", copy.toString());
    assertEquals(1, garbled.exitCode(), garbled.out());
    assertTrue(garbled.out().contains("1 problem:"), garbled.out());
    assertTrue(
        garbled.out().contains("  problem: slide S-9: thumbnail " + thumbnail + ": SHA-256 "),
        garbled.out());
    assertTrue(garbled.out().contains("the file was altered; re-ingest the slide"), garbled.out());

    String tiles =
        garbled.outLines().stream()
            .filter(l -> l.startsWith("  tiles: "))
            .findFirst()
            .orElseThrow()
            .substring("  tiles: ".length());
    Files.delete(copy.resolve("slides/S-9.json"));
    CliRun deleted = CliRun.of("index", "check", "--index", copy.toString());
    assertEquals(1, deleted.exitCode(), deleted.out());
    assertTrue(
        deleted
            .out()
            .contains(
                "  problem: slide S-9: "
                    + tiles
                    + " tiles cut from a slide file but no slide record ("
                    + copy.resolve("slides/S-9.json")
                    + " is missing)"),
        deleted.out());
  }

  @Test
  void aMissingIndexIsOneLine(@TempDir Path tmp) {
    CliRun run = CliRun.of("index", "check", "--index", tmp.resolve("none").toString());
    assertEquals(ErrorReporter.USER_ERROR, run.exitCode());
    assertTrue(
        run.err().contains("pathlens index check: no tile index in " + tmp.resolve("none")),
        run.err());
  }
}
