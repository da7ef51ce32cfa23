package org.pathlens.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an {@link EvalReport} into a folder: {@code report.html} (self-contained, the figures
 * inside it), {@code report.json} (every number) and each figure as a PNG beside them.
 */
public final class ReportWriter {

  public static final String HTML = "report.html";
  public static final String JSON = "report.json";

  private ReportWriter() {}

  /** Returns the page's path. */
  public static Path write(EvalReport report, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<ReportFigures.Figure> figures = ReportFigures.render(report);
    for (ReportFigures.Figure f : figures) {
      Files.write(dir.resolve(f.file()), f.png());
    }
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve(JSON).toFile(), JsonReport.of(report, figures));
    Path html = dir.resolve(HTML);
    Files.writeString(html, HtmlReport.render(report, figures), StandardCharsets.UTF_8);
    return html;
  }
}
