package org.pathlens.index;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code index check} found ({@link IndexLocation#check}).
 *
 * @param facts what the index holds, one line each
 * @param problems what is wrong, one line each (empty: the index is whole)
 */
public record IndexCheckReport(List<String> facts, List<String> problems) {

  public boolean ok() {
    return problems.isEmpty();
  }

  /**
   * The lines both backends' checks give about what an index records of its making: the bundle, the
   * engine and its canary (a problem when none is recorded: searches refuse such an index), and the
   * graph's parameters.
   *
   * @param recorded the index's recorded key-value pairs (Lucene's commit data, the cluster's
   *     _meta.pathlens)
   */
  public static void provenanceLines(
      IndexProvenance provenance,
      Map<String, String> recorded,
      List<String> facts,
      List<String> problems) {
    facts.add("bundle: " + provenance);
    facts.add(
        "engine: "
            + (provenance.engine() == null
                ? recorded.getOrDefault(IndexProvenance.ENGINE_KEY, "not recorded")
                : provenance.engine().engine() + "; canary " + provenance.engine().describe()));
    if (!recorded.containsKey(IndexProvenance.ENGINE_KEY)) {
      problems.add("the index records no engine; PathLens refuses to search it: ingest it anew");
    }
    IndexSettings graph = IndexCommitData.graph(recorded, IndexSettings.defaults());
    facts.add(
        "graph: m="
            + graph.m()
            + ", beam="
            + graph.beamWidth()
            + ", quantization "
            + graph.quantization().name().toLowerCase(Locale.ROOT));
  }

  /** The report as {@code index check} prints it, to the caller's output (a table, not a log). */
  public void print(PrintWriter out) {
    facts.forEach(f -> out.println("  " + f));
    if (ok()) {
      out.println("ok: no problem found");
    } else {
      out.println(problems.size() + (problems.size() == 1 ? " problem:" : " problems:"));
      problems.forEach(p -> out.println("  problem: " + p));
    }
  }
}
