package org.pathlens.eval.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pathlens.eval.metrics.MetricValue;

/**
 * The results of several evaluation configs as one table: a row per robustification setting (a
 * config's {@code table.row}, else its {@code robustify} setting described, "none" without one), a
 * column per metric (renamed by {@code table.columns}), each cell the value with its bootstrap
 * interval. Several configs feed one row when they measure different metrics (a robustness and a
 * zero-shot config of the same setting, the same metric on other data under another column name).
 * Written as markdown into a report, between {@link #BEGIN} and {@link #END} so that the text
 * around the table is kept, and as JSON with every number of every config.
 */
public final class ResultTable {

  public static final String BEGIN =
      "<!-- pathlens eval table: begin (generated, edits are overwritten) -->";
  public static final String END = "<!-- pathlens eval table: end -->";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Per row label, per metric, the value and the config that measured it; rows and metrics in
   * first-seen order.
   */
  private final Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();

  private final List<EvalRun.Result> results = new ArrayList<>();

  private record Cell(MetricValue value, Path config) {}

  /**
   * Adds a config's values to its row.
   *
   * @throws IllegalArgumentException if another config already gave this row one of these metrics
   */
  public void add(EvalRun.Result result) {
    String label = result.config().tableRow();
    Map<String, Cell> row = rows.computeIfAbsent(label, k -> new LinkedHashMap<>());
    for (MetricValue v : result.values()) {
      String column = result.config().table().columns().getOrDefault(v.name(), v.name());
      Cell earlier = row.get(column);
      if (earlier != null) {
        throw new IllegalArgumentException(
            result.config().file()
                + ": row \""
                + label
                + "\" already has "
                + column
                + " from "
                + earlier.config()
                + "; name the column otherwise (table.columns) or the row (table.row)");
      }
      row.put(column, new Cell(v, result.config().file()));
    }
    results.add(result);
  }

  /** Every metric some row has, in first-seen order. */
  public List<String> metrics() {
    List<String> out = new ArrayList<>();
    rows.values()
        .forEach(
            r ->
                r.keySet()
                    .forEach(
                        m -> {
                          if (!out.contains(m)) {
                            out.add(m);
                          }
                        }));
    return out;
  }

  /** The table in markdown; {@code columns} empty: every metric. A metric a row lacks is "–". */
  public String toMarkdown(List<String> columns) {
    List<String> cols = columns.isEmpty() ? metrics() : columns;
    for (String c : cols) {
      if (!metrics().contains(c)) {
        throw new IllegalArgumentException(
            "--metrics: no config measured \"" + c + "\"; measured: " + metrics());
      }
    }
    StringBuilder out = new StringBuilder("| method |");
    cols.forEach(c -> out.append(' ').append(c).append(" |"));
    out.append("\n|---|").append("---|".repeat(cols.size())).append('\n');
    rows.forEach(
        (label, row) -> {
          out.append("| ").append(label).append(" |");
          for (String c : cols) {
            Cell cell = row.get(c);
            out.append(' ').append(cell == null ? "–" : format(cell.value())).append(" |");
          }
          out.append('\n');
        });
    return out.toString();
  }

  /**
   * A config's path relative to the working directory when under it (the repository root, run as
   * documented).
   */
  private static String displayed(Path file) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = file.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  private static String format(MetricValue v) {
    return String.format(
        Locale.ROOT, "%.4f [%.4f, %.4f]", v.value(), v.interval().lower(), v.interval().upper());
  }

  /**
   * Puts the table into {@code file} between the {@link #BEGIN} and {@link #END} markers, keeping
   * everything else; a file without markers gets them and the table appended, a missing one is
   * created.
   */
  public void writeMarkdown(Path file, List<String> columns, String command) throws IOException {
    String table =
        BEGIN
            + "\n\n"
            + toMarkdown(columns)
            + "\nCells: value [95 % bootstrap interval]. Made by `"
            + command
            + " CONFIG...` over "
            + results.size()
            + " configs (listed in the JSON beside this file).\n\n"
            + END;
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    String updated;
    if (begin >= 0 && end > begin) {
      updated = text.substring(0, begin) + table + text.substring(end + END.length());
    } else if (begin >= 0 || end >= 0) {
      throw new IllegalArgumentException(
          file + ": has only one of the table markers; put back " + BEGIN + " and " + END);
    } else {
      updated =
          text
              + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
              + table
              + "\n";
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, updated, StandardCharsets.UTF_8);
  }

  /**
   * Every number of every config, by row: value, interval, the config, its tiles and model; the
   * command without its configs.
   */
  public void writeJson(Path file, String command) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("command", command + " CONFIG...");
    ArrayNode rowsNode = root.putArray("rows");
    rows.forEach(
        (label, row) -> {
          ObjectNode r = rowsNode.addObject();
          r.put("method", label);
          ObjectNode metrics = r.putObject("metrics");
          row.forEach(
              (name, cell) -> {
                ObjectNode m = metrics.putObject(name);
                m.put("value", cell.value().value());
                m.put("lower", cell.value().interval().lower());
                m.put("upper", cell.value().interval().upper());
                m.put("config", cell.config().getFileName().toString());
                m.put("metric", cell.value().name());
              });
        });
    ArrayNode configs = root.putArray("configs");
    for (EvalRun.Result result : results) {
      ObjectNode c = configs.addObject();
      c.put("file", displayed(result.config().file()));
      c.put("name", result.config().name());
      c.put("method", result.config().tableRow());
      c.put("tiles", result.tiles());
      c.put("model", result.model());
      c.put("bundle_hash", result.bundleHash());
      c.put("bootstrap_resamples", result.config().bootstrap().resamples());
      c.put("bootstrap_seed", result.config().bootstrap().seed());
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
        StandardCharsets.UTF_8);
  }
}
