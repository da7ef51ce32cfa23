package org.pathlens.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.ConfusionMatrix;
import org.pathlens.eval.metrics.Reliability;

/**
 * An {@link EvalReport} as JSON, every number of the page at full precision (the page rounds to 4
 * decimals); an undefined number (NaN) is {@code null}. Field names are snake_case; metrics keep
 * the names evaluation configs use.
 */
public final class JsonReport {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonReport() {}

  public static ObjectNode of(EvalReport report, List<ReportFigures.Figure> figures) {
    ObjectNode root = JSON.createObjectNode();
    root.put("title", report.title());
    ObjectNode settings = root.putObject("settings");
    report.settings().forEach(s -> settings.put(s.key(), s.value()));
    ObjectNode bootstrap = root.putObject("bootstrap");
    bootstrap.put("resamples", report.bootstrap().resamples());
    bootstrap.put("seed", report.bootstrap().seed());
    bootstrap.put("level", report.bootstrap().level());
    bootstrap.put("unit", report.bootstrapUnit());

    ObjectNode metrics = root.putObject("metrics");
    for (EvalReport.MetricTable table : report.metricTables()) {
      for (EvalReport.MetricRow row : table.rows()) {
        ObjectNode m = metrics.putObject(row.name());
        interval(m, row.interval());
        number(m, "expected", row.expected());
        number(m, "tolerance", row.tolerance());
        m.put("status", row.status());
        m.put("table", table.key());
      }
    }
    ArrayNode tables = root.putArray("metric_tables");
    report
        .metricTables()
        .forEach(t -> tables.addObject().put("key", t.key()).put("title", t.title()));

    if (report.classification() != null) {
      classification(root.putObject("classification"), report.classification());
    }
    if (!report.tables().isEmpty()) {
      ObjectNode other = root.putObject("tables");
      for (EvalReport.Table table : report.tables()) {
        ObjectNode t = other.putObject(table.key());
        t.put("title", table.title());
        ArrayNode rows = t.putArray("rows");
        for (List<Object> row : table.rows()) {
          ObjectNode r = rows.addObject();
          for (int col = 0; col < row.size(); col++) {
            cell(r, table.columns().get(col), row.get(col));
          }
        }
      }
    }
    if (report.map() != null) {
      EmbeddingMap map = report.map();
      ObjectNode m = root.putObject("embedding_map");
      m.put("method", map.method());
      m.put("tiles", map.points().length);
      ArrayNode variance = m.putArray("explained_variance");
      ArrayNode ratio = m.putArray("explained_variance_ratio");
      for (int c = 0; c < map.explainedVariance().length; c++) {
        variance.add(map.explainedVariance()[c]);
        ratio.add(map.explainedVarianceRatio()[c]);
      }
      m.put("coloured_by_center", map.centers() != null);
    }
    ArrayNode files = root.putArray("figures");
    figures.forEach(
        f ->
            files
                .addObject()
                .put("file", f.file())
                .put("caption", f.caption())
                .put("width", f.width())
                .put("height", f.height()));
    return root;
  }

  private static void classification(ObjectNode out, ClassificationDetails c) {
    ConfusionMatrix m = c.confusion();
    out.put("tiles", m.total());
    ArrayNode classes = out.putArray("classes");
    m.classIds().forEach(classes::add);
    ArrayNode counts = out.putArray("confusion_matrix");
    ArrayNode normalised = out.putArray("confusion_matrix_row_normalised");
    for (int t = 0; t < m.classCount(); t++) {
      ArrayNode countRow = counts.addArray();
      ArrayNode fractionRow = normalised.addArray();
      long support = m.support(t);
      for (long v : m.counts()[t]) {
        countRow.add(v);
        if (support == 0) {
          fractionRow.addNull();
        } else {
          fractionRow.add((double) v / support);
        }
      }
    }
    ArrayNode perClass = out.putArray("per_class");
    for (int k = 0; k < m.classCount(); k++) {
      ObjectNode row = perClass.addObject();
      row.put("class", m.classIds().get(k));
      row.put("precision", m.precision(k));
      row.put("recall", m.recall(k));
      row.put("f1", m.f1(k));
      row.put("support", m.support(k));
    }
    interval(out.putObject("accuracy"), c.accuracy());
    ObjectNode reliability = out.putObject("reliability");
    interval(reliability.putObject("ece"), c.ece());
    ArrayNode bins = reliability.putArray("bins");
    for (Reliability.Bin bin : c.reliability().bins()) {
      ObjectNode b = bins.addObject();
      b.put("lower", bin.lower());
      b.put("upper", bin.upper());
      b.put("count", bin.count());
      number(b, "mean_confidence", bin.meanConfidence());
      number(b, "accuracy", bin.accuracy());
      number(b, "gap", Math.abs(bin.accuracy() - bin.meanConfidence()));
    }
    ArrayNode centers = out.putArray("per_center");
    for (ClassificationDetails.CenterAccuracy a : c.centers()) {
      ObjectNode row = centers.addObject();
      row.put("center", a.center());
      row.put("tiles", a.tiles());
      interval(row, a.accuracy());
    }
  }

  private static void interval(ObjectNode out, Bootstrap.Interval ci) {
    number(out, "value", ci.estimate());
    number(out, "ci_lower", ci.lower());
    number(out, "ci_upper", ci.upper());
  }

  private static void number(ObjectNode out, String field, double value) {
    if (Double.isNaN(value)) {
      out.putNull(field);
    } else {
      out.put(field, value);
    }
  }

  private static void cell(ObjectNode out, String field, Object value) {
    switch (value) {
      case Double d -> number(out, field, d);
      case Integer i -> out.put(field, i);
      case Long l -> out.put(field, l);
      case null -> out.putNull(field);
      default -> out.put(field, value.toString());
    }
  }
}
