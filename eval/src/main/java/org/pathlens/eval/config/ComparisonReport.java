package org.pathlens.eval.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.McNemar;
import org.pathlens.eval.metrics.PairedBootstrap;

/** An {@link EvalComparison.Result} as a table for the terminal and as JSON with every number. */
public final class ComparisonReport {

  /** The p-value's definition, printed under the table and stored in the JSON. */
  public static final String P_VALUE_DEFINITION =
      "two-sided paired-bootstrap p-value of B-A = 0: twice the smaller share of"
          + " resamples with B-A <= 0 or B-A >= 0, each share (1 + count)/(resamples + 1), at most 1";

  private ComparisonReport() {}

  public static String toText(EvalComparison.Result result) {
    StringBuilder out = new StringBuilder();
    side(out, "A", result.a(), null);
    side(out, "B", result.b(), result.a());
    Bootstrap bootstrap = result.bootstrap();
    int units = result.rows().stream().mapToInt(EvalComparison.Row::units).max().orElse(0);
    out.append(
        String.format(
            Locale.ROOT,
            "%d tiles paired; paired bootstrap: %d resamples of the %d %s (seed %d)%n%n",
            result.paired(),
            bootstrap.resamples(),
            units,
            result.bySlide() ? "slides" : "tiles",
            bootstrap.seed()));
    String ci = String.format(Locale.ROOT, "%.0f %% CI of B-A", bootstrap.level() * 100);
    out.append(
        String.format(
            Locale.ROOT,
            "%-24s %5s %8s %8s %8s   %-20s %8s%n",
            "metric",
            "n",
            "A",
            "B",
            "B-A",
            ci,
            "p"));
    for (EvalComparison.Row row : result.rows()) {
      PairedBootstrap.Difference d = row.difference();
      out.append(
          String.format(
              Locale.ROOT,
              "%-24s %5d %8.4f %8.4f %+8.4f   %-20s %8s%n",
              d.name(),
              row.items(),
              d.a().estimate(),
              d.b().estimate(),
              d.difference().estimate(),
              String.format(
                  Locale.ROOT, "[%+.4f, %+.4f]", d.difference().lower(), d.difference().upper()),
              p(d.pValue())));
    }
    out.append("p: ")
        .append(P_VALUE_DEFINITION)
        .append(
            String.format(
                Locale.ROOT,
                "; with %d resamples p >= %s%n",
                bootstrap.resamples(),
                p(2.0 / (bootstrap.resamples() + 1))));
    McNemar m = result.mcnemar();
    if (m != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "McNemar's exact test of accuracy: b = %d (A right, B wrong), c = %d (A wrong, B right), p = %s%s%n",
              m.b(),
              m.c(),
              p(m.pValue()),
              result.bySlide()
                  ? " (treats tiles as independent; the slide bootstrap does not)"
                  : ""));
    }
    return out.toString();
  }

  /** A side's config and what it ran; B made from A's config (--model-b, --prompts-b) says so. */
  private static void side(
      StringBuilder out, String label, EvalComparison.Side side, EvalComparison.Side a) {
    String config =
        a != null
                && side.config().file().equals(a.config().file())
                && !side.config().equals(a.config())
            ? "A's config with another model or prompt set"
            : side.config().name() + " (" + side.config().file() + ")";
    out.append(
        String.format(
            Locale.ROOT,
            "%s: %s%n   model %s (%s), %s, %d tiles%n",
            label,
            config,
            side.model(),
            side.bundleHash().substring(0, 12),
            side.task(),
            side.tiles()));
  }

  /** Four decimals, or scientific notation below 0.0001 so a small p never reads as 0. */
  private static String p(double p) {
    return Double.isNaN(p)
        ? "-"
        : p >= 1e-4 || p == 0
            ? String.format(Locale.ROOT, "%.4f", p)
            : String.format(Locale.ROOT, "%.2e", p);
  }

  public static ObjectNode toJson(EvalComparison.Result result) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.set("a", side(mapper, result.a()));
    root.set("b", side(mapper, result.b()));
    root.put("paired_tiles", result.paired());
    ObjectNode bootstrap = root.putObject("bootstrap");
    bootstrap.put("resamples", result.bootstrap().resamples());
    bootstrap.put("seed", result.bootstrap().seed());
    bootstrap.put("level", result.bootstrap().level());
    bootstrap.put("unit", result.bySlide() ? "slide" : "tile");
    root.put("p_value_definition", P_VALUE_DEFINITION);
    ArrayNode metrics = root.putArray("metrics");
    for (EvalComparison.Row row : result.rows()) {
      PairedBootstrap.Difference d = row.difference();
      ObjectNode m = metrics.addObject();
      m.put("metric", d.name());
      m.put("items", row.items());
      m.put("units", row.units());
      interval(m, "a", d.a());
      interval(m, "b", d.b());
      interval(m, "difference", d.difference());
      number(m, "p_value", d.pValue());
      m.put("resamples", d.resamples());
    }
    if (result.mcnemar() != null) {
      ObjectNode m = root.putObject("mcnemar");
      m.put("metric", "accuracy");
      m.put("b", result.mcnemar().b());
      m.put("c", result.mcnemar().c());
      number(m, "p_value", result.mcnemar().pValue());
    }
    return root;
  }

  /** Writes {@link #toJson} to {@code file}, creating its folder. */
  public static void writeJson(EvalComparison.Result result, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(file.toFile(), toJson(result));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be written: " + e.getMessage(), e);
    }
  }

  private static ObjectNode side(ObjectMapper mapper, EvalComparison.Side side) {
    ObjectNode node = mapper.createObjectNode();
    node.put("config", side.config().file().toString());
    node.put("name", side.config().name());
    node.put("model", side.model());
    node.put("bundle_hash", side.bundleHash());
    node.put("model_dir", side.config().model().toString());
    node.put("task", side.task());
    if (side.config().task() instanceof EvalConfig.ZeroShot z) {
      node.put("prompts", z.prompts().toString());
      if (z.screenPrompts() != null) {
        node.put("screen_prompts", z.screenPrompts());
      }
    }
    node.put("tiles", side.tiles());
    return node;
  }

  /** {@code name}: the estimate, {@code name_ci}: [lower, upper]. */
  private static void interval(ObjectNode node, String name, Bootstrap.Interval interval) {
    number(node, name, interval.estimate());
    ArrayNode ci = node.putArray(name + "_ci");
    for (double v : new double[] {interval.lower(), interval.upper()}) {
      if (Double.isNaN(v)) {
        ci.addNull();
      } else {
        ci.add(v);
      }
    }
  }

  /** NaN (undefined) is written as null: JSON has no NaN. */
  private static void number(ObjectNode node, String name, double value) {
    if (Double.isNaN(value)) {
      node.putNull(name);
    } else {
      node.put(name, value);
    }
  }
}
