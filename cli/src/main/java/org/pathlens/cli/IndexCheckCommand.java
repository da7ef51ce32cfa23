package org.pathlens.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexCapability;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pathlens index check}: is the index whole, and what does it hold. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    header = "Check that a tile index is whole, without changing it.",
    description =
        "Check a tile index whole, without changing it: Lucene's CheckIndex over every segment"
            + " (checksums of every file, postings, stored fields and vectors decoded) and PathLens's"
            + " records (the bundle and engine the index records, the vector dimension, the batch"
            + " correction file, slide records and thumbnails against the tiles). Prints what the"
            + " index holds, then one line per problem. Exit code 0 when whole, 1 when a problem is"
            + " found. It takes the index's write lock: run it when no ingest is writing. No model"
            + " is loaded.",
    footer = {"%nExample:", "  ./pathlens index check --index /tmp/pl/idx"})
final class IndexCheckCommand implements Callable<Integer> {

  @Spec CommandSpec spec; // prints to the command line's out, not System.out

  @Mixin IndexOption index; // a directory: a cluster says it has no such check

  @Override
  public Integer call() throws Exception {
    IndexLocation location = index.location;
    location.require(IndexCapability.CHECK);
    PrintWriter out = spec.commandLine().getOut();
    out.println("index " + location);
    IndexCheckReport report = location.check();
    report.print(out);
    return report.ok() ? 0 : 1;
  }
}
