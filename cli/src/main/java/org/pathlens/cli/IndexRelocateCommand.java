package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRelocation;
import org.pathlens.index.TileIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens index relocate}: slides moved to another folder keep their tiles. */
@Command(
    name = "relocate",
    mixinStandardHelpOptions = true,
    header = "Point slides at the folder they were moved to.",
    description = {
      "After slide files were moved (a new disk, a renamed share): every slide whose file was under",
      "--from is pointed at the same place under --to, its record and its tiles' sources alike, so",
      "tile images, heatmaps and deep zoom work again without embedding anything. Each file at the",
      "new place must be the one ingested (its fingerprint is checked); a slide whose file is missing",
      "there is named and left as it is. Re-ingesting a moved slide does the same for that slide."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens index relocate --index /tmp/pl/idx --from /tmp/pl/old-slides --to /tmp/pl/slides"
    })
final class IndexRelocateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin IndexOption index;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "DIR",
      description = "Where the slide files were when they were ingested.")
  Path from;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "Where they are now.")
  Path to;

  @Override
  public Integer call() throws Exception {
    IndexLocation location = index.location;
    IndexProvenance provenance = index.existingProvenance();
    if (!Files.isDirectory(to)) {
      throw new IllegalArgumentException("--to " + to + ": no such folder");
    }
    Path oldRoot = from.toAbsolutePath().normalize(), newRoot = to.toAbsolutePath().normalize();
    PrintWriter err = spec.commandLine().getErr();
    int moved = 0, missing = 0;
    long tiles = 0;
    try (TileIndex writer = location.open(provenance, IndexSettings.defaults())) {
      for (String slideId : writer.slideRecords().slideIds()) {
        SlideRecord record = writer.slideRecords().read(slideId);
        if (!Path.of(record.path()).startsWith(oldRoot)) {
          continue;
        }
        Path now = newRoot.resolve(oldRoot.relativize(Path.of(record.path())));
        if (!Files.exists(now)) {
          err.println(
              "pathlens index relocate: slide "
                  + slideId
                  + ": no file at "
                  + now
                  + "; left as it is");
          missing++;
          continue;
        }
        tiles += SlideRelocation.move(writer, record, oldRoot, newRoot);
        moved++;
      }
    }
    spec.commandLine()
        .getOut()
        .printf(
            "slides %d moved (%d tiles), %d missing, under %s%n", moved, tiles, missing, newRoot);
    return moved > 0 && missing == 0 ? 0 : 1;
  }
}
