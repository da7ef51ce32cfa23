package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code pathlens eval run --report} on the committed tiny configs, one of each task: every
 * report's page parses, holds the numbers {@code eval run} printed (through report.json) and embeds
 * the PNGs written beside it.
 */
class EvalRunReportTest {

  static final List<String> CONFIGS =
      List.of(
          "demo-tiny-zeroshot", "demo-tiny-fewshot", "demo-tiny-retrieval", "demo-tiny-robustness");
  static final int CHART_WIDTH = 800;
  static final int CHART_HEIGHT = 560;

  /** A printed metric line: status, name, value, expected, tolerance, [lower, upper]. */
  static final Pattern LINE =
      Pattern.compile(
          "^(OK|FAIL|MISSING)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+\\[(\\S+), (\\S+)]$");

  @TempDir static Path tmp;
  static CliRun run;

  /** Per config name, per metric, the printed value and bounds. */
  static final Map<String, Map<String, String[]>> printed = new HashMap<>();

  @BeforeAll
  static void runTheTinyConfigs() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "eval", "run", "--threads", "1", "--report", tmp.resolve("reports").toString()));
    CONFIGS.forEach(c -> args.add(EvalRunCommandTest.config(c + ".yaml")));
    run = CliRun.of(args.toArray(String[]::new));
    String config = null;
    for (String line : run.outLines()) {
      Matcher header = Pattern.compile("^\\S+\\.yaml: ([^,]+), ").matcher(line);
      Matcher metric = LINE.matcher(line);
      if (header.find()) {
        config = header.group(1);
        printed.put(config, new HashMap<>());
      } else if (metric.matches()) {
        printed
            .get(config)
            .put(
                metric.group(2),
                new String[] {metric.group(3), metric.group(6), metric.group(7), metric.group(1)});
      }
    }
  }

  @Test
  void everyTaskWritesAPageWithThePrintedNumbersAndItsFigures() throws Exception {
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertEquals(CONFIGS.size(), printed.size(), run.out());
    for (String name : CONFIGS) {
      Path dir = tmp.resolve("reports").resolve(name);
      assertTrue(run.err().contains("wrote " + dir.resolve("report.html")), run.err());
      JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
      String html = Files.readString(dir.resolve("report.html"));
      Document doc = parse(html);
      assertEquals(name, json.get("title").asText());
      assertTrue(json.at("/settings/bundle_hash").asText().length() == 64, json.toString());
      assertTrue(
          run.out()
              .contains(
                  "model pathlens-demo-crc9 ("
                      + json.at("/settings/bundle_hash").asText().substring(0, 12)
                      + ")"));
      assertTrue(
          json.at("/settings/command_line")
              .asText()
              .startsWith("pathlens eval run --threads 1 --report "));

      // JSON = printed, page = JSON, metric by metric.
      Map<String, String[]> lines = printed.get(name);
      assertEquals(lines.keySet(), fieldNames(json.get("metrics")), name);
      int pageRows = 0;
      for (Element row : elements(doc, "tr")) {
        if (!row.hasAttribute("data-metric")) {
          continue;
        }
        pageRows++;
        String metric = row.getAttribute("data-metric");
        JsonNode m = json.at("/metrics/" + metric.replace("/", "~1"));
        String[] line = lines.get(metric);
        assertEquals(line[0], four(m.get("value")), name + " " + metric);
        assertEquals(line[1], four(m.get("ci_lower")), name + " " + metric);
        assertEquals(line[2], four(m.get("ci_upper")), name + " " + metric);
        assertEquals(line[3], m.get("status").asText());
        List<String> cells = cells(row);
        assertEquals(
            List.of(metric, line[0], "[" + line[1] + ", " + line[2] + "]"),
            cells.subList(0, 3),
            name);
        assertEquals(line[3], cells.get(5));
      }
      assertEquals(lines.size(), pageRows, name);

      // Figures: decoded at their size, and inside the page byte for byte.
      Map<String, String> embedded = new HashMap<>();
      for (Element img : elements(doc, "img")) {
        embedded.put(((Element) img.getParentNode()).getAttribute("id"), img.getAttribute("src"));
      }
      List<String> files = new ArrayList<>();
      for (JsonNode f : json.get("figures")) {
        String file = f.get("file").asText();
        files.add(file);
        byte[] png = Files.readAllBytes(dir.resolve(file));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        if (file.startsWith("confusion_matrix")) {
          // Nine classes of 56 px cells, with labels around them.
          assertTrue(image.getWidth() > 9 * 56 && image.getHeight() > 9 * 56, file);
        } else {
          assertEquals(
              List.of(CHART_WIDTH, CHART_HEIGHT),
              List.of(image.getWidth(), image.getHeight()),
              file);
        }
        assertEquals(
            List.of(f.get("width").asInt(), f.get("height").asInt()),
            List.of(image.getWidth(), image.getHeight()),
            file);
        assertArrayEquals(
            png,
            Base64.getDecoder()
                .decode(embedded.get(file).substring("data:image/png;base64,".length())),
            file);
      }
      assertEquals(files.size(), embedded.size());
      assertFalse(html.contains("<script"), name);

      boolean classifies = name.endsWith("zeroshot") || name.endsWith("fewshot");
      List<String> expectedFigures = new ArrayList<>();
      if (classifies) {
        expectedFigures.addAll(
            List.of(
                "confusion_matrix.png",
                "confusion_matrix_normalised.png",
                "reliability.png",
                "accuracy_by_center.png"));
        int tiles = name.endsWith("zeroshot") ? 72 : 54;
        assertClassification(json.get("classification"), doc, tiles, name);
      } else {
        assertTrue(json.get("classification") == null, name);
      }
      expectedFigures.addAll(List.of("pca_by_class.png", "pca_by_center.png"));
      assertEquals(expectedFigures, files, name);
      assertEquals(72, json.at("/embedding_map/tiles").asInt());
    }
  }

  @Test
  void retrievalTablesFollowTheDirectionsAndRobustnessHasItsOwn() throws IOException {
    JsonNode retrieval =
        new ObjectMapper()
            .readTree(tmp.resolve("reports/demo-tiny-retrieval/report.json").toFile());
    List<String> tables = new ArrayList<>();
    retrieval.get("metric_tables").forEach(t -> tables.add(t.get("key").asText()));
    assertEquals(List.of("text_to_image", "image_to_text", "image_to_image"), tables);
    assertEquals("image_to_image", retrieval.at("/metrics/i2i_map@5/table").asText());
    JsonNode robustness =
        new ObjectMapper()
            .readTree(tmp.resolve("reports/demo-tiny-robustness/report.json").toFile());
    assertEquals("robustness_index", fieldNames(robustness.get("metrics")).iterator().next());
    assertTrue(
        Files.readString(tmp.resolve("reports/demo-tiny-robustness/report.html"))
            .contains("ΣSO / (ΣSO + ΣOS)"));
  }

  @Test
  void twoConfigsOfOneFileNameAreRefusedBeforeAnyWork() throws IOException {
    String body =
        "name: n\nmodel: %s\ndataset: {generate: {per_class: 1, centers: 1, seed: 1}}\ntask: {type: retrieval}\n"
            .formatted(Fixtures.demoBundle().toAbsolutePath());
    Path a = Files.createDirectories(tmp.resolve("a")).resolve("same.yaml");
    Path b = Files.createDirectories(tmp.resolve("b")).resolve("same.yaml");
    Files.writeString(a, body);
    Files.writeString(b, body);
    CliRun clash =
        CliRun.of(
            "eval", "run", "--report", tmp.resolve("clash").toString(), a.toString(), b.toString());
    assertEquals(ErrorReporter.USER_ERROR, clash.exitCode());
    assertTrue(
        clash.err().contains("--report: " + a + " and " + b + " would both write"), clash.err());
    assertTrue(clash.out().isEmpty());
  }

  private static void assertClassification(JsonNode c, Document doc, int tiles, String name) {
    long total = 0;
    for (JsonNode row : c.get("confusion_matrix")) {
      for (JsonNode v : row) {
        total += v.asLong();
      }
    }
    assertEquals(tiles, total, name);
    assertEquals(9, c.get("per_class").size());
    List<Element> perClass = tableRows(doc, "per-class");
    for (int k = 0; k < 9; k++) {
      JsonNode row = c.get("per_class").get(k);
      assertEquals(
          List.of(
              row.get("class").asText(),
              four(row.get("precision")),
              four(row.get("recall")),
              four(row.get("f1")),
              row.get("support").asText()),
          cells(perClass.get(k)),
          name);
    }
    // The ECE is the tiles' mean gap between accuracy and confidence over the bins, and the page's
    // table shows the bins.
    int binned = 0;
    double gap = 0;
    List<Element> binRows = tableRows(doc, "reliability");
    for (int b = 0; b < 10; b++) {
      JsonNode bin = c.at("/reliability/bins/" + b);
      assertEquals(bin.get("count").asText(), cells(binRows.get(b)).get(1));
      if (bin.get("count").asInt() > 0) {
        binned += bin.get("count").asInt();
        gap +=
            bin.get("count").asInt()
                * Math.abs(bin.get("accuracy").asDouble() - bin.get("mean_confidence").asDouble());
      }
    }
    assertEquals(tiles, binned);
    assertEquals(gap / tiles, c.at("/reliability/ece/value").asDouble(), 1e-12, name);
    int perCenter = 0;
    for (JsonNode center : c.get("per_center")) {
      perCenter += center.get("tiles").asInt();
      assertTrue(
          center.get("ci_lower").asDouble() <= center.get("value").asDouble()
              && center.get("value").asDouble() <= center.get("ci_upper").asDouble(),
          name);
    }
    assertEquals(
        List.of("center-a", "center-b"),
        List.of(c.at("/per_center/0/center").asText(), c.at("/per_center/1/center").asText()));
    assertEquals(tiles, perCenter);
  }

  private static String four(JsonNode number) {
    return String.format(Locale.ROOT, "%.4f", number.asDouble());
  }

  private static Set<String> fieldNames(JsonNode object) {
    Set<String> out = new LinkedHashSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** A screened zero-shot config's page and JSON list every variant it scored and what it kept. */
  @Test
  void aScreenedConfigsReportListsEveryVariantAndWhatWasKept() throws Exception {
    Path dir = tmp.resolve("screened");
    CliRun screened =
        CliRun.of(
            "eval",
            "run",
            "--threads",
            "1",
            "--report",
            dir.toString(),
            EvalRunCommandTest.config("demo-tiny-zeroshot-screened.yaml"));
    assertEquals(0, screened.exitCode(), screened.out() + screened.err());
    JsonNode table =
        new ObjectMapper()
            .readTree(dir.resolve("report.json").toFile())
            .at("/tables/prompt_screening");
    assertEquals("Prompt screening without labels", table.get("title").asText());
    JsonNode rows = table.get("rows");
    assertEquals(9 * 18, rows.size());
    int kept = 0;
    for (JsonNode row : rows) {
      kept += row.get("kept").asText().equals("yes") ? 1 : 0;
      assertEquals(row.get("rank").asInt() <= 9, row.get("kept").asText().equals("yes"));
    }
    assertEquals(81, kept);
    // The first row is the line eval run printed for ADI's best variant.
    assertEquals("ADI", rows.get(0).get("class").asText());
    assertEquals("a histopathology tile showing fat.", rows.get(0).get("prompt").asText());
    assertTrue(
        screened
            .out()
            .contains(
                String.format(
                    Locale.ROOT,
                    "ADI: kept 9 of 18 on 72 tiles: \"a histopathology tile showing fat.\" %.4f",
                    rows.get(0).get("score").asDouble())),
        screened.out());
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(
        html.contains("Prompt screening without labels")
            && html.contains("a histopathology tile showing fat."),
        html);
  }

  static Document parse(String html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> elements(Document doc, String tag) {
    NodeList nodes = doc.getElementsByTagName(tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add((Element) nodes.item(i));
    }
    return out;
  }

  private static List<Element> tableRows(Document doc, String id) {
    for (Element table : elements(doc, "table")) {
      if (table.getAttribute("id").equals(id)) {
        NodeList trs =
            ((Element) table.getElementsByTagName("tbody").item(0)).getElementsByTagName("tr");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < trs.getLength(); i++) {
          out.add((Element) trs.item(i));
        }
        return out;
      }
    }
    throw new AssertionError("no table " + id);
  }

  private static List<String> cells(Element row) {
    List<String> out = new ArrayList<>();
    NodeList tds = row.getElementsByTagName("td");
    for (int i = 0; i < tds.getLength(); i++) {
      out.add(tds.item(i).getTextContent());
    }
    return out;
  }
}
