package org.pathlens.eval.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.config.EvalConfig;
import org.pathlens.eval.config.EvalRun;
import org.pathlens.eval.config.Expectations;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.eval.metrics.Reliability;
import org.pathlens.eval.plots.ChartStyle;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A report of hand-made predictions whose names try to inject markup: everything from data comes
 * out escaped, the page parses as XML, the figures are inside it and beside it, and the page and
 * the JSON agree. No model runs here; {@code EvalRunReportTest} does the same on real runs.
 */
class ReportWriterTest {

  static final String SCRIPT = "<script>alert('x')</script>";

  @TempDir Path tmp;

  /**
   * 3 classes (one named like a script tag), 2 centers (one with quotes and an ampersand), 40
   * tiles.
   */
  static EvalRun.Result result() {
    List<String> classes = List.of("ADI", SCRIPT, "TUM");
    String[] centers = {"center \"a\" & co", "center-b"};
    SplittableRandom random = new SplittableRandom(5);
    List<LabelledTiles.Tile> tiles = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    int n = 40;
    int[] truth = new int[n];
    int[] predicted = new int[n];
    float[][] probabilities = new float[n][];
    for (int i = 0; i < n; i++) {
      truth[i] = i % 3;
      // Right 3 times in 4; the probability of the prediction spread over the confidence range.
      predicted[i] = i % 4 == 0 ? (truth[i] + 1) % 3 : truth[i];
      float top = 0.4f + 0.6f * (float) random.nextDouble();
      probabilities[i] = new float[3];
      for (int c = 0; c < 3; c++) {
        probabilities[i][c] = c == predicted[i] ? top : (1 - top) / 2;
      }
      float[] e = new float[8];
      e[truth[i]] = 1;
      for (int j = 0; j < 8; j++) {
        e[j] += (float) (0.2 * random.nextGaussian());
      }
      embeddings.add(e);
      tiles.add(
          new LabelledTiles.Tile(
              Path.of("t" + i + ".png"), classes.get(truth[i]), "slide-" + i / 2, centers[i % 2]));
    }
    String[] groups = tiles.stream().map(LabelledTiles.Tile::group).toArray(String[]::new);
    Predictions p = new Predictions(classes, truth, predicted, probabilities, groups);
    EmbeddedTiles embedded = new EmbeddedTiles(tiles, embeddings);
    Bootstrap bootstrap = new Bootstrap(100, 3, 0.95);
    EvalConfig config =
        new EvalConfig(
            Path.of("configs/" + "hostile.yaml"),
            "report of " + SCRIPT,
            Path.of("bundle"),
            new EvalConfig.Generated(2, 2, 7, List.of()),
            new EvalConfig.ZeroShot(Path.of("prompts.json")),
            List.of(),
            bootstrap,
            0.001,
            Map.of("accuracy", 0.75));
    List<MetricValue> values =
        List.of(
            new MetricValue("accuracy", bootstrap.interval(p, Metric::accuracy)),
            new MetricValue("ece", bootstrap.interval(p, Reliability::ece)));
    return new EvalRun.Result(
        config,
        "model " + SCRIPT,
        "abc123",
        n,
        values,
        embedded,
        new EvalRun.Classified(p, IntStream.range(0, n).boxed().toList()));
  }

  @Test
  void dataIsEscapedThePageParsesAndAgreesWithTheJson() throws Exception {
    EvalRun.Result result = result();
    EvalReport report =
        EvalRunReports.of(
            result,
            Expectations.check(result.config(), result.values()),
            "pathlens eval run " + SCRIPT);
    Path page = ReportWriter.write(report, tmp);
    String html = Files.readString(page);

    assertFalse(
        html.toLowerCase(Locale.ROOT).contains("<script"),
        "no script element, from data or otherwise");
    assertTrue(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "the class, model, name and command line, escaped");
    assertTrue(html.contains("center &quot;a&quot; &amp; co"), "the center, escaped");
    assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched");

    Document doc = parse(html);
    JsonNode json = new ObjectMapper().readTree(tmp.resolve(ReportWriter.JSON).toFile());
    assertEquals("report of " + SCRIPT, doc.getElementsByTagName("h1").item(0).getTextContent());
    assertEquals("report of " + SCRIPT, json.get("title").asText());

    // Metrics: the page's cells are the JSON's numbers to 4 decimals, with the verdicts.
    List<Element> metricRows = rows(doc, "metrics");
    assertEquals(2, metricRows.size());
    for (Element row : metricRows) {
      JsonNode m = json.at("/metrics/" + row.getAttribute("data-metric"));
      List<String> cells = cells(row);
      assertEquals(HtmlReport.number(m.get("value").asDouble()), cells.get(1));
      assertEquals(
          "["
              + HtmlReport.number(m.get("ci_lower").asDouble())
              + ", "
              + HtmlReport.number(m.get("ci_upper").asDouble())
              + "]",
          cells.get(2));
      assertEquals(m.get("status").asText(), cells.get(5));
    }
    assertEquals("MISSING", json.at("/metrics/ece/status").asText());
    assertTrue(json.at("/metrics/ece/expected").isNull());
    assertEquals(
        result.values().getFirst().value(), json.at("/metrics/accuracy/value").asDouble(), 0);

    // Per class, by name (the escaped one too).
    List<Element> classRows = rows(doc, "per-class");
    assertEquals(3, classRows.size());
    assertEquals(SCRIPT, classRows.get(1).getAttribute("data-class"));
    for (int k = 0; k < 3; k++) {
      JsonNode c = json.at("/classification/per_class/" + k);
      assertEquals(c.get("class").asText(), cells(classRows.get(k)).get(0));
      assertEquals(HtmlReport.number(c.get("recall").asDouble()), cells(classRows.get(k)).get(2));
      assertEquals(c.get("support").asText(), cells(classRows.get(k)).get(4));
    }

    // The ECE is the bins' weighted gap, and the page states it.
    double weightedGap = 0;
    int binned = 0;
    for (JsonNode bin : json.at("/classification/reliability/bins")) {
      if (bin.get("count").asInt() > 0) {
        weightedGap +=
            bin.get("count").asInt()
                * Math.abs(bin.get("accuracy").asDouble() - bin.get("mean_confidence").asDouble());
        binned += bin.get("count").asInt();
      }
    }
    assertEquals(40, binned);
    assertEquals(
        weightedGap / binned, json.at("/classification/reliability/ece/value").asDouble(), 1e-12);
    assertEquals(
        json.at("/metrics/ece/value").asDouble(),
        json.at("/classification/reliability/ece/value").asDouble(),
        1e-12);
    assertTrue(html.contains("<b>" + HtmlReport.number(weightedGap / binned) + "</b>"));

    // Per center: both centers, tiles adding up, the escaped name as data.
    List<Element> centerRows = rows(doc, "centers");
    assertEquals(3, centerRows.size(), "two centers and all tiles");
    assertEquals("center \"a\" & co", centerRows.get(0).getAttribute("data-center"));
    assertEquals(
        40,
        json.at("/classification/per_center/0/tiles").asInt()
            + json.at("/classification/per_center/1/tiles").asInt());

    // Figures: every PNG beside the page decodes at the size the JSON states, and the page holds
    // the same bytes.
    List<String> expected =
        List.of(
            ReportFigures.CONFUSION,
            ReportFigures.CONFUSION_NORMALISED,
            ReportFigures.RELIABILITY,
            ReportFigures.CENTERS,
            "pca_by_class.png",
            "pca_by_center.png");
    List<String> files = new ArrayList<>();
    json.get("figures").forEach(f -> files.add(f.get("file").asText()));
    assertEquals(expected, files);
    NodeList images = doc.getElementsByTagName("img");
    assertEquals(expected.size(), images.getLength());
    for (int i = 0; i < expected.size(); i++) {
      byte[] png = Files.readAllBytes(tmp.resolve(expected.get(i)));
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      JsonNode f = json.get("figures").get(i);
      assertEquals(f.get("width").asInt(), image.getWidth(), expected.get(i));
      assertEquals(f.get("height").asInt(), image.getHeight(), expected.get(i));
      if (!expected.get(i).startsWith("confusion")) {
        assertEquals(ChartStyle.WIDTH, image.getWidth(), expected.get(i));
        assertEquals(ChartStyle.HEIGHT, image.getHeight(), expected.get(i));
      }
      String src = ((Element) images.item(i)).getAttribute("src");
      assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, 30));
      assertArrayEquals(
          png,
          Base64.getDecoder().decode(src.substring("data:image/png;base64,".length())),
          expected.get(i));
    }

    // The map: two axes whose shares of the variance the page states.
    JsonNode ratio = json.at("/embedding_map/explained_variance_ratio");
    assertEquals(2, ratio.size());
    assertTrue(
        ratio.get(0).asDouble() >= ratio.get(1).asDouble()
            && ratio.get(0).asDouble() + ratio.get(1).asDouble() <= 1 + 1e-12);
    assertTrue(
        html.contains(
            String.format(
                Locale.ROOT, "holds %.1f %% of their variance", 100 * ratio.get(0).asDouble())),
        html);
  }

  @Test
  void escapingCoversControlCharactersAndSurrogates() {
    assertEquals("a&lt;b&gt;&amp;&quot;&#39;", HtmlReport.escape("a<b>&\"'"));
    // XML 1.0 allows neither NUL nor a lone surrogate; a pair (an emoji) stays.
    assertEquals("x\uFFFDy\uFFFDz\uD83D\uDE00", HtmlReport.escape("x\u0000y\uD800z\uD83D\uDE00"));
    assertEquals("", HtmlReport.escape(null));
  }

  @Test
  void aLabelsCsvWithoutCentersHasNoPerCenterPartsAndNoMapByCenter() throws Exception {
    EvalRun.Result withCenters = result();
    List<LabelledTiles.Tile> noSite =
        withCenters.embedded().tiles().stream()
            .map(t -> new LabelledTiles.Tile(t.file(), t.label(), t.group(), null))
            .toList();
    EmbeddedTiles embedded = new EmbeddedTiles(noSite, withCenters.embedded().embeddings());
    EvalRun.Result result =
        new EvalRun.Result(
            withCenters.config(),
            "m",
            "h",
            40,
            withCenters.values(),
            embedded,
            withCenters.classified());
    EvalReport report =
        EvalRunReports.of(result, Expectations.check(result.config(), result.values()), "pathlens");
    assertTrue(report.classification().centers().isEmpty());
    assertNull(report.map().centers());
    ReportWriter.write(report, tmp);
    assertFalse(Files.exists(tmp.resolve(ReportFigures.CENTERS)));
    assertFalse(Files.exists(tmp.resolve("pca_by_center.png")));
    assertTrue(Files.readString(tmp.resolve(ReportWriter.HTML)).contains("no center"));
  }

  static Document parse(String html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setExpandEntityReferences(false);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  /** The body rows of the table with this id. */
  static List<Element> rows(Document doc, String tableId) {
    NodeList tables = doc.getElementsByTagName("table");
    for (int t = 0; t < tables.getLength(); t++) {
      Element table = (Element) tables.item(t);
      if (table.getAttribute("id").equals(tableId)) {
        NodeList trs =
            ((Element) table.getElementsByTagName("tbody").item(0)).getElementsByTagName("tr");
        List<Element> out = new ArrayList<>();
        for (int r = 0; r < trs.getLength(); r++) {
          out.add((Element) trs.item(r));
        }
        return out;
      }
    }
    throw new AssertionError("no table " + tableId);
  }

  static List<String> cells(Element row) {
    NodeList tds = row.getElementsByTagName("td");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < tds.getLength(); i++) {
      out.add(tds.item(i).getTextContent());
    }
    return out;
  }
}
