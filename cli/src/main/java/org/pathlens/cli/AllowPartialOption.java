package org.pathlens.cli;

import java.io.IOException;
import org.pathlens.index.PartialReads;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --allow-partial}: a read of a cluster index that fewer shards answered than the index has
 * (a node down or recovering) is printed instead of refused, and a line on stderr says it is
 * partial and from how many shards. Without it such a read is one line and exit 2.
 */
final class AllowPartialOption {

  @Option(
      names = "--allow-partial",
      description =
          "With a cluster index: print the answer of the shards that answered when some did not"
              + " (a node down), with a line on stderr saying so, instead of refusing it"
              + " (exit 2). An embedded index always answers whole.")
  boolean allow;

  /** The reads noted through {@link #reading}; null until then, or without the option. */
  private PartialReads partial;

  /** {@code index}, or with the option a view of it whose reads accept a partial answer. */
  TileIndex reading(TileIndex index) {
    if (!allow) {
      return index;
    }
    partial = new PartialReads();
    return index.allowingPartial(partial);
  }

  /**
   * Refuses to say a slide has no tiles from a partial read: its tiles may be on a shard that did
   * not answer ({@link PartialReads#requireSlideSeen}).
   */
  void requireSlideSeen(TileIndex reads, String slideId) throws IOException {
    if (partial != null) {
      partial.requireSlideSeen(slideId, reads.count(TileFilter.slide(slideId)));
    }
  }

  /** After the reads: one line on stderr if any of them was partial. */
  void report(CommandSpec spec) {
    if (partial == null) {
      return;
    }
    partial
        .partial()
        .ifPresent(
            shards ->
                spec.commandLine()
                    .getErr()
                    .println(
                        spec.qualifiedName()
                            + ": partial answer (--allow-partial): "
                            + shards.answered()
                            + " of "
                            + shards.total()
                            + " shards answered"
                            + (shards.timedOut() ? ", some timed out" : "")
                            + "; tiles of the others are missing from it"));
  }
}
