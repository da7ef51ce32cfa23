package org.pathlens.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexCapability;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens index check}: is the index whole, and what does it hold. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    header = "Check that a tile index is whole, without changing it.",
    description =
        "Check a tile index whole, without changing it. A directory: Lucene's CheckIndex over"
            + " every segment (checksums of every file, postings, stored fields and vectors"
            + " decoded) and PathLens's records (the bundle and engine the index records, the vector"
            + " dimension, the batch correction file, slide records and thumbnails against the"
            + " tiles); it takes the index's write lock: run it when no ingest is writing. A"
            + " cluster URL: the cluster's health for the index (yellow and red are problems), the"
            + " bundle and graph its mapping records, every id with more than one document, and"
            + " the slide records against the tiles. Prints what the index holds, then one line"
            + " per problem. Exit code 0 when whole, 1 when a problem is found. No model is"
            + " loaded.",
    footer = {
      "%nExamples:",
      "  ./pathlens index check --index /tmp/pl/idx",
      "  ./pathlens index check --index http://127.0.0.1:9200/tiles --repair"
    })
final class IndexCheckCommand implements Callable<Integer> {

  @Spec CommandSpec spec; // prints to the command line's out, not System.out

  @Mixin IndexOption index;

  @Option(
      names = "--repair",
      description =
          "On a cluster: delete the stale copies of every id with more than one document, keeping"
              + " the newest (the last written), then check again. Takes the index's writer lease:"
              + " refused while an ingest writes.")
  boolean repair;

  @Override
  public Integer call() throws Exception {
    IndexLocation location = index.location;
    location.require(IndexCapability.CHECK);
    if (repair) {
      location.require(IndexCapability.REPAIR);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("index " + location);
    IndexCheckReport report = repair ? location.repair() : location.check();
    report.print(out);
    return report.ok() ? 0 : 1;
  }
}
