package org.pathlens.eval.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pathlens.eval.metrics.MetricValue;

/** Compares what a run measured with what its config expects, metric by metric. */
public final class Expectations {

  public enum Status {
    /** Within the tolerance of the expected value. */
    OK,
    /** Further from it than the tolerance. */
    FAIL,
    /** The config expects nothing for this metric yet: a FAIL until {@code --update} records it. */
    MISSING
  }

  /** One metric's verdict; {@code expected} is NaN when missing. */
  public record Check(MetricValue value, double expected, double tolerance, Status status) {

    public String toText() {
      return String.format(
          Locale.ROOT,
          "%-7s %-24s %8.4f %9s %9.4f   [%.4f, %.4f]",
          status,
          value.name(),
          value.value(),
          status == Status.MISSING ? "-" : String.format(Locale.ROOT, "%.4f", expected),
          tolerance,
          value.interval().lower(),
          value.interval().upper());
    }
  }

  public static final String HEADER =
      String.format(
          Locale.ROOT,
          "%-7s %-24s %8s %9s %9s   %s",
          "status",
          "metric",
          "value",
          "expected",
          "tolerance",
          "CI");

  private Expectations() {}

  public static List<Check> check(EvalConfig config, List<MetricValue> values) {
    List<Check> out = new ArrayList<>();
    for (MetricValue v : values) {
      Double expected = config.expected().get(v.name());
      if (expected == null) {
        out.add(new Check(v, Double.NaN, config.tolerance(), Status.MISSING));
      } else {
        // NaN never equals an expectation: a metric that became undefined is a change.
        boolean within = Math.abs(v.value() - expected) <= config.tolerance();
        out.add(new Check(v, expected, config.tolerance(), within ? Status.OK : Status.FAIL));
      }
    }
    return List.copyOf(out);
  }

  public static boolean allOk(List<Check> checks) {
    return checks.stream().allMatch(c -> c.status() == Status.OK);
  }
}
