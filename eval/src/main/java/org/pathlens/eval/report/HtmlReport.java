package org.pathlens.eval.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.ConfusionMatrix;
import org.pathlens.eval.metrics.Reliability;

/**
 * An {@link EvalReport} as one self-contained HTML page: inline CSS, figures embedded as {@code
 * data:image/png;base64} URIs, no script and nothing fetched, so that the file can be mailed or
 * attached on its own. Every string that comes from data (names, labels, paths, the command line)
 * is escaped. The page is also well-formed XML (every element closed, no named entities but XML's),
 * so tools and tests can parse it with any XML parser.
 */
public final class HtmlReport {

  private static final String CSS =
      """
      body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; padding: 0 1em; color: #222; }
      h1 { font-size: 1.6em; margin-bottom: 0.2em; }
      h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
      table { border-collapse: collapse; margin: 0.6em 0; }
      th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; }
      table.settings th { background: #f4f4f4; font-weight: normal; color: #555; white-space: nowrap; }
      thead th { background: #f4f4f4; }
      td.OK { color: #176b1e; font-weight: bold; }
      td.FAIL, td.MISSING { color: #b00020; font-weight: bold; }
      p.note { color: #555; font-size: 0.92em; max-width: 52em; }
      figure { margin: 1em 0; }
      figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
      figcaption { color: #555; font-size: 0.9em; }
      code { font-size: 0.92em; word-break: break-all; }
      footer { margin-top: 3em; color: #777; font-size: 0.85em; }
      """;

  private HtmlReport() {}

  public static String render(EvalReport report, List<ReportFigures.Figure> figures) {
    Map<String, ReportFigures.Figure> byFile =
        figures.stream().collect(Collectors.toMap(ReportFigures.Figure::file, Function.identity()));
    StringBuilder h = new StringBuilder();
    h.append(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>PathLens report: ")
        .append(escape(report.title()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>")
        .append(escape(report.title()))
        .append("</h1>\n<p class=\"note\">PathLens evaluation report.</p>\n");
    h.append("<table class=\"settings\" id=\"settings\">\n");
    for (EvalReport.Setting s : report.settings()) {
      String value =
          s.key().equals("command_line")
              ? "<code>" + escape(s.value()) + "</code>"
              : escape(s.value());
      h.append("<tr data-key=\"")
          .append(escape(s.key()))
          .append("\"><th>")
          .append(escape(s.label()))
          .append("</th><td>")
          .append(value)
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    for (EvalReport.MetricTable table : report.metricTables()) {
      metricTable(h, table, report);
    }
    ClassificationDetails c = report.classification();
    if (c != null) {
      perClass(h, c.confusion());
      h.append("<h2>Confusion matrix</h2>\n");
      figure(h, byFile.get(ReportFigures.CONFUSION));
      figure(h, byFile.get(ReportFigures.CONFUSION_NORMALISED));
      calibration(h, c, byFile.get(ReportFigures.RELIABILITY));
      centers(h, c, byFile.get(ReportFigures.CENTERS), report.bootstrapUnit());
    }
    for (EvalReport.Table table : report.tables()) {
      table(h, table);
    }
    EmbeddingMap map = report.map();
    if (map != null) {
      h.append("<h2>Embeddings</h2>\n<p class=\"note\" id=\"map\">")
          .append(escape(map.method()))
          .append(" of the ")
          .append(map.points().length)
          .append(" tiles' image embeddings: the first axis holds ")
          .append(percent(map.explainedVarianceRatio()[0]))
          .append(" of their variance, the second ")
          .append(percent(map.explainedVarianceRatio()[1]))
          .append(
              ". Separate clouds per class are what a classifier needs; clouds per center are the batch effect the robustness metrics measure.</p>\n");
      figure(h, byFile.get(ReportFigures.mapFile(map, "class")));
      if (map.centers() != null) {
        figure(h, byFile.get(ReportFigures.mapFile(map, "center")));
      } else {
        h.append(
            "<p class=\"note\">No map by center: the tiles have no center (<code>site</code>).</p>\n");
      }
    }
    Bootstrap b = report.bootstrap();
    h.append("<footer>Intervals: ")
        .append(String.format(Locale.ROOT, "%.0f", b.level() * 100))
        .append(" % percentile bootstrap, ")
        .append(b.resamples())
        .append(" resamples of ")
        .append(escape(report.bootstrapUnit()))
        .append("s, seed ")
        .append(b.seed())
        .append(
            ". Every number on this page is in report.json beside it; the figures are also there as PNG files.</footer>\n");
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void metricTable(
      StringBuilder h, EvalReport.MetricTable table, EvalReport report) {
    boolean checked = table.rows().stream().anyMatch(r -> r.status() != null);
    h.append("<h2>").append(escape(table.title())).append("</h2>\n");
    note(h, table.note());
    h.append("<table class=\"metrics\" id=\"")
        .append(escape(table.key()))
        .append("\">\n<thead><tr><th>metric</th><th>value</th><th>")
        .append(String.format(Locale.ROOT, "%.0f", report.bootstrap().level() * 100))
        .append(" % CI</th>");
    if (checked) {
      h.append("<th>expected</th><th>tolerance</th><th>status</th>");
    }
    h.append("</tr></thead>\n<tbody>\n");
    for (EvalReport.MetricRow row : table.rows()) {
      h.append("<tr data-metric=\"")
          .append(escape(row.name()))
          .append("\"><td>")
          .append(escape(row.name()))
          .append("</td>");
      num(h, row.interval().estimate());
      h.append("<td class=\"num\">").append(interval(row.interval())).append("</td>");
      if (checked) {
        num(h, row.expected());
        num(h, row.tolerance());
        String status = row.status() == null ? "" : row.status();
        h.append("<td class=\"")
            .append(escape(status))
            .append("\">")
            .append(escape(status))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void perClass(StringBuilder h, ConfusionMatrix m) {
    h.append(
            "<h2>Per class</h2>\n<table id=\"per-class\">\n<thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th>")
        .append("<th>support</th></tr></thead>\n<tbody>\n");
    for (int k = 0; k < m.classCount(); k++) {
      h.append("<tr data-class=\"")
          .append(escape(m.classIds().get(k)))
          .append("\"><td>")
          .append(escape(m.classIds().get(k)))
          .append("</td>");
      num(h, m.precision(k));
      num(h, m.recall(k));
      num(h, m.f1(k));
      h.append("<td class=\"num\">").append(m.support(k)).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void calibration(
      StringBuilder h, ClassificationDetails c, ReportFigures.Figure figure) {
    h.append("<h2>Calibration</h2>\n<p class=\"note\" id=\"ece\">Expected calibration error <b>")
        .append(number(c.ece().estimate()))
        .append("</b> ")
        .append(interval(c.ece()))
        .append(
            ": the tiles' mean gap between accuracy and confidence (the probability given to the predicted class), over ")
        .append(c.reliability().bins().size())
        .append(" equal-width confidence bins (Guo et al. 2017). 0 is perfectly calibrated.</p>\n");
    figure(h, figure);
    h.append(
            "<table id=\"reliability\">\n<thead><tr><th>confidence</th><th>tiles</th><th>mean confidence</th><th>accuracy</th>")
        .append("<th>gap</th></tr></thead>\n<tbody>\n");
    for (Reliability.Bin bin : c.reliability().bins()) {
      h.append("<tr><td>")
          .append(String.format(Locale.ROOT, "(%.1f, %.1f]", bin.lower(), bin.upper()))
          .append("</td>")
          .append("<td class=\"num\">")
          .append(bin.count())
          .append("</td>");
      num(h, bin.meanConfidence());
      num(h, bin.accuracy());
      num(h, Math.abs(bin.accuracy() - bin.meanConfidence()));
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void centers(
      StringBuilder h, ClassificationDetails c, ReportFigures.Figure figure, String unit) {
    h.append("<h2>Accuracy per center</h2>\n");
    if (c.centers().isEmpty()) {
      h.append(
          "<p class=\"note\">The tiles have no center (<code>site</code> column), so there is no per-center accuracy.</p>\n");
      return;
    }
    note(
        h,
        "Each center's interval resamples that center's "
            + unit
            + "s alone; the dashed line is the accuracy over all tiles.");
    figure(h, figure);
    h.append(
        "<table id=\"centers\">\n<thead><tr><th>center</th><th>tiles</th><th>accuracy</th><th>95 % CI</th></tr></thead>\n<tbody>\n");
    for (ClassificationDetails.CenterAccuracy a : c.centers()) {
      h.append("<tr data-center=\"")
          .append(escape(a.center()))
          .append("\"><td>")
          .append(escape(a.center()))
          .append("</td>")
          .append("<td class=\"num\">")
          .append(a.tiles())
          .append("</td>");
      num(h, a.accuracy().estimate());
      h.append("<td class=\"num\">").append(interval(a.accuracy())).append("</td></tr>\n");
    }
    h.append("<tr data-center=\"\"><td>all tiles</td><td class=\"num\">")
        .append(c.confusion().total())
        .append("</td>");
    num(h, c.accuracy().estimate());
    h.append("<td class=\"num\">")
        .append(interval(c.accuracy()))
        .append("</td></tr>\n</tbody>\n</table>\n");
  }

  private static void table(StringBuilder h, EvalReport.Table table) {
    h.append("<h2>").append(escape(table.title())).append("</h2>\n");
    note(h, table.note());
    h.append("<table id=\"").append(escape(table.key())).append("\">\n<thead><tr>");
    table.columns().forEach(col -> h.append("<th>").append(escape(col)).append("</th>"));
    h.append("</tr></thead>\n<tbody>\n");
    for (List<Object> row : table.rows()) {
      h.append("<tr>");
      for (Object cell : row) {
        if (cell instanceof Double d) {
          num(h, d);
        } else if (cell instanceof Number n) {
          h.append("<td class=\"num\">").append(n).append("</td>");
        } else {
          h.append("<td>").append(escape(String.valueOf(cell))).append("</td>");
        }
      }
      h.append("</tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void figure(StringBuilder h, ReportFigures.Figure f) {
    if (f == null) {
      return;
    }
    h.append("<figure id=\"")
        .append(escape(f.file()))
        .append("\"><img src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(f.png()))
        .append("\" width=\"")
        .append(f.width())
        .append("\" height=\"")
        .append(f.height())
        .append("\" alt=\"")
        .append(escape(f.caption()))
        .append("\"/><figcaption>")
        .append(escape(f.caption()))
        .append(" (")
        .append(escape(f.file()))
        .append(")</figcaption></figure>\n");
  }

  private static void note(StringBuilder h, String note) {
    if (note != null && !note.isBlank()) {
      h.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
    }
  }

  private static void num(StringBuilder h, double value) {
    h.append("<td class=\"num\">").append(number(value)).append("</td>");
  }

  /** A number as the page shows it: 4 decimals, {@code n/a} when undefined. */
  static String number(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
  }

  static String interval(Bootstrap.Interval ci) {
    return "[" + number(ci.lower()) + ", " + number(ci.upper()) + "]";
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }

  /**
   * Text for HTML content and attribute values: the five XML specials become entities, and
   * characters XML 1.0 does not allow (control characters from a CSV, lone surrogates) become
   * U+FFFD, so that no data can open a tag, end an attribute or break the page.
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      switch (ch) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (Character.isHighSurrogate(ch)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(ch).append(text.charAt(++i));
          } else if (ch == '\t'
              || ch == '\n'
              || ch == '\r'
              || (ch >= 0x20 && ch <= 0xFFFD && !Character.isSurrogate(ch))) {
            out.append(ch);
          } else {
            out.append('\uFFFD');
          }
        }
      }
    }
    return out.toString();
  }
}
