package org.pathlens.eval.report;

import java.util.ArrayList;
import java.util.List;
import org.pathlens.eval.metrics.Bootstrap;

/**
 * What an evaluation report shows, whichever command made it and however it is written ({@link
 * ReportWriter}: one HTML page, a JSON file with every number, the PNG figures).
 *
 * @param title the page's heading (the config's name)
 * @param settings how the numbers were made: config, model and its content hash, data, task,
 *     command line
 * @param metricTables the metrics with intervals (and expectations, for {@code eval run})
 * @param tables other tables a command adds (prompt ablation, few-shot); may be empty
 * @param classification confusion matrix, per-class ratios, calibration, per-center accuracy; null
 *     for tasks that do not classify
 * @param map the embeddings in 2-D; null when there are too few tiles
 * @param bootstrap how every interval was resampled
 * @param bootstrapUnit what the bootstrap resampled: {@code "slide"} or {@code "tile"}
 */
public record EvalReport(
    String title,
    List<Setting> settings,
    List<MetricTable> metricTables,
    List<Table> tables,
    ClassificationDetails classification,
    EmbeddingMap map,
    Bootstrap bootstrap,
    String bootstrapUnit) {

  public EvalReport {
    settings = List.copyOf(settings);
    metricTables = List.copyOf(metricTables);
    tables = List.copyOf(tables);
  }

  /**
   * One line of the page's header.
   *
   * @param key the JSON field, e.g. {@code bundle_hash}
   * @param label what the page calls it
   */
  public record Setting(String key, String label, String value) {}

  /**
   * Metrics shown together, e.g. the text→image ones of a retrieval run.
   *
   * @param key the table's JSON name
   * @param note one sentence on how to read them; may be blank
   */
  public record MetricTable(String key, String title, String note, List<MetricRow> rows) {
    public MetricTable {
      rows = List.copyOf(rows);
    }
  }

  /**
   * A metric's value, interval and, when its config expects one, the verdict.
   *
   * @param expected NaN when nothing is expected
   * @param tolerance NaN when nothing is checked
   * @param status {@code OK}, {@code FAIL} or {@code MISSING}; null when nothing is checked
   */
  public record MetricRow(
      String name, Bootstrap.Interval interval, double expected, double tolerance, String status) {}

  /**
   * A plain table: column names and rows of cells, each a {@link String}, an {@link Integer} or
   * {@link Long}, or a {@link Double} (shown to 4 decimals, written in full to the JSON).
   */
  public record Table(
      String key, String title, String note, List<String> columns, List<List<Object>> rows) {
    public Table {
      columns = List.copyOf(columns);
      List<List<Object>> copied = new ArrayList<>();
      for (List<Object> row : rows) {
        if (row.size() != columns.size()) {
          throw new IllegalArgumentException(
              key + ": a row of " + row.size() + " cells under " + columns.size() + " columns");
        }
        copied.add(List.copyOf(row));
      }
      rows = List.copyOf(copied);
    }
  }
}
