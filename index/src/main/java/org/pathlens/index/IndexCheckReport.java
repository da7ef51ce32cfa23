package org.pathlens.index;

import java.io.PrintWriter;
import java.util.List;

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
