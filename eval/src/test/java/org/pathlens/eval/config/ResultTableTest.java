package org.pathlens.eval.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;

/**
 * Rows by robustify label, columns by metric, written between markers that keep the report's own
 * text.
 */
class ResultTableTest {

  @TempDir Path tmp;

  private static EvalRun.Result result(String file, String label, MetricValue... values) {
    return result(file, label, Map.of(), values);
  }

  private static EvalRun.Result result(
      String file, String label, Map<String, String> columns, MetricValue... values) {
    EvalConfig config =
        new EvalConfig(
            Path.of("/configs/" + file),
            file,
            Path.of("m"),
            new EvalConfig.Generated(1, 1, 1, List.of()),
            new EvalConfig.Retrieval(),
            List.of(),
            Bootstrap.defaults(),
            0.001,
            Map.of(),
            EvalConfig.Robustify.NONE,
            new EvalConfig.TablePlace(label, columns));
    return new EvalRun.Result(config, "model", "0123456789abcdef", 10, List.of(values), null, null);
  }

  private static MetricValue v(String name, double value) {
    return new MetricValue(name, new Bootstrap.Interval(value, value - 0.01, value + 0.02));
  }

  private static ResultTable table() {
    ResultTable table = new ResultTable();
    table.add(result("none-r.yaml", "none", v("ri", 0.9), v("apd", -0.01)));
    table.add(result("none-z.yaml", "none", v("accuracy", 0.8)));
    table.add(result("combat-r.yaml", "ComBat", v("ri", 0.95)));
    return table;
  }

  @Test
  void rowsAreSettingsAndColumnsMetrics() {
    assertEquals(List.of("ri", "apd", "accuracy"), table().metrics());
    assertEquals(
        """
        | method | ri | accuracy |
        |---|---|---|
        | none | 0.9000 [0.8900, 0.9200] | 0.8000 [0.7900, 0.8200] |
        | ComBat | 0.9500 [0.9400, 0.9700] | – |
        """,
        table().toMarkdown(List.of("ri", "accuracy")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> table().toMarkdown(List.of("auroc")));
    assertTrue(e.getMessage().contains("no config measured \"auroc\""), e.getMessage());
  }

  @Test
  void twoConfigsOfOneRowMayNotGiveTheSameMetric() {
    ResultTable table = table();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> table.add(result("again.yaml", "ComBat", v("ri", 0.5))));
    assertTrue(
        e.getMessage().contains("row \"ComBat\" already has ri from /configs/combat-r.yaml"),
        e.getMessage());
    table.add(result("other-data.yaml", "ComBat", Map.of("ri", "ri (other data)"), v("ri", 0.5)));
    assertEquals(List.of("ri", "apd", "accuracy", "ri (other data)"), table.metrics());
    assertTrue(
        table
            .toMarkdown(List.of("ri (other data)"))
            .contains("| none | – |\n| ComBat | 0.5000 [0.4900, 0.5200] |"),
        table.toMarkdown(List.of("ri (other data)")));
  }

  @Test
  void theReportKeepsItsTextAndTheJsonHasEveryNumber() throws IOException {
    Path md = tmp.resolve("report.md");
    table().writeMarkdown(md, List.of("ri"), "cmd");
    String first = Files.readString(md);
    assertTrue(
        first.startsWith(ResultTable.BEGIN) && first.strip().endsWith(ResultTable.END), first);
    Files.writeString(md, "# Report\n\nintro\n\n" + first + "\nafter the table\n");
    table().writeMarkdown(md, List.of("ri", "apd"), "cmd2");
    String second = Files.readString(md);
    assertTrue(
        second.startsWith("# Report\n\nintro\n\n" + ResultTable.BEGIN)
            && second.endsWith(ResultTable.END + "\n\nafter the table\n"),
        second);
    assertTrue(
        second.contains("| none | 0.9000 [0.8900, 0.9200] | -0.0100 [-0.0200, 0.0100] |")
            && second.contains("`cmd2 CONFIG...` over 3 configs"),
        second);
    assertEquals(1, second.split(Pattern.quote(ResultTable.BEGIN), -1).length - 1);

    Path json = tmp.resolve("report.json");
    table().writeJson(json, "cmd");
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals("none", root.get("rows").get(0).get("method").asText());
    assertEquals(
        0.8, root.get("rows").get(0).get("metrics").get("accuracy").get("value").asDouble());
    assertEquals(
        "none-z.yaml",
        root.get("rows").get(0).get("metrics").get("accuracy").get("config").asText());
    assertEquals(3, root.get("configs").size());
    assertEquals("cmd CONFIG...", root.get("command").asText());
    assertEquals("/configs/none-r.yaml", root.get("configs").get(0).get("file").asText());
  }
}
