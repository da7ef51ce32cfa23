package org.pathlens.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pathlens.fixtures.synth.RegionTruth;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexLocation;
import org.pathlens.server.PathLensServer;
import org.pathlens.server.ServedIndex;

/**
 * The relevance-feedback loop of issue 30 in Debian's headless Chromium, against a real server over
 * its own {@link FeedbackLoopIndex} (eight labelled tiles per class and the served slide, so that
 * marks mean something and what it saves stays out of the shared index): the text query "tumour
 * cells", which the demo model gets partly right (mostly normal mucosa at the top), the first five
 * tumour tiles on the page marked relevant and the first five others not, as a pathologist reading
 * each tile would, Refine, and the point of it: more tumour tiles on the refined page than on the
 * first. Then Save as class, its heatmap on the slide (which has a tumour region), GeoJSON and a
 * restart. Skips when chromium or chromedriver is not installed. Screenshots of each step go to
 * {@code target/screenshots/feedback-*.png} (docs/web-ui.md shows them).
 */
@ExtendWith(ServedIndex.Resolver.class)
class FeedbackLoopBrowserTest {

  private static final Path SCREENSHOTS = Path.of("target/screenshots");
  private static final Path DOWNLOADS = Path.of("target/downloads-feedback");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUERY = "tumour cells";

  /** The class the marks are about: its label, and the name it is saved under. */
  private static final String TRUE_CLASS = "TUM";

  private static final String CLASS = "tumour";

  @TempDir static Path tmp;
  private static ServedIndex served;
  private static Path index;
  private static RegionTruth slideTruth;
  private static PathLensServer server;
  private static ChromeDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start(ServedIndex shared) throws IOException {
    HeadlessChromium.assumeInstalled();
    served = shared;
    index = FeedbackLoopIndex.build(shared, tmp);
    slideTruth = RegionTruth.read(SyntheticSlide.sidecar(FeedbackLoopIndex.slide(shared)));
    server = start();
    Files.createDirectories(SCREENSHOTS);
    Files.createDirectories(DOWNLOADS);
    try (Stream<Path> old = Files.list(DOWNLOADS)) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    browser = HeadlessChromium.start(tmp, DOWNLOADS);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  private static PathLensServer start() throws IOException {
    return served.start(IndexLocation.of(index), null, 8L << 20, 10_000_000, 2, 16);
  }

  /**
   * The whole loop in one walk, as a pathologist would take it: query, marks, Refine, Save as
   * class, the class's heatmap and GeoJSON on the slide page, then a new server on the same index
   * that still lists the class and draws its heatmap.
   */
  @Test
  void markRefineSaveAsClassAndKeepItAcrossARestart() throws Exception {
    browser.get(server.url() + "/#/");
    wait.until(d -> d.findElement(By.id("health")).getText().contains("tiles"));
    browser.findElement(By.id("q")).sendKeys(QUERY, Keys.ENTER);
    wait.until(d -> d.findElement(By.id("status")).getText().contains("\u201c" + QUERY + "\u201d"));
    List<WebElement> cards = results();
    assertTrue(
        cards.size() >= 20,
        "tiles shown: " + cards.size() + "; " + browser.findElement(By.id("status")).getText());
    List<String> before = ids(cards);
    Map<String, String> shows = classes(before.size());
    // As a pathologist would: the first five tumour tiles on the page are relevant, the first five
    // tiles of anything else are not.
    List<Integer> tumour = new ArrayList<>();
    List<Integer> other = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) {
      (TRUE_CLASS.equals(shows.get(before.get(i))) ? tumour : other).add(i);
      String label = cards.get(i).findElement(By.cssSelector(".label")).getText();
      if (!label.equals("unlabelled")) {
        assertEquals(shows.get(before.get(i)), label, "the card shows the tile's label");
      }
    }
    assertTrue(tumour.size() >= 5 && other.size() >= 5, "classes on the page: " + shows);
    List<Integer> marksYes = tumour.subList(0, 5);
    List<Integer> marksNo = other.subList(0, 5);
    List<String> relevant = marksYes.stream().map(before::get).toList();
    List<String> notRelevant = marksNo.stream().map(before::get).toList();
    for (int i = 0; i < 5; i++) {
      cards.get(marksYes.get(i)).findElement(By.cssSelector(".mark.yes")).click();
      cards.get(marksNo.get(i)).findElement(By.cssSelector(".mark.no")).click();
    }
    assertEquals(
        "Marked: 5 relevant, 5 not relevant.",
        browser.findElement(By.id("feedback-count")).getText());
    assertEquals(
        "true",
        cards
            .get(marksYes.getFirst())
            .findElement(By.cssSelector(".mark.yes"))
            .getAttribute("aria-pressed"));
    assertTrue(cards.get(marksNo.getFirst()).getAttribute("class").contains("not-relevant"));
    screenshot("feedback-marked", "status");

    browser.findElement(By.id("refine-button")).click();
    wait.until(d -> d.findElement(By.id("status")).getText().contains("refined by"));
    List<String> after = ids(results());
    ObjectNode body = JSON.createObjectNode().put("text", QUERY).put("k", before.size());
    relevant.forEach(body.putArray("relevant")::add);
    notRelevant.forEach(body.putArray("not_relevant")::add);
    JsonNode api = post("/api/search/refine", body);
    List<String> expected = api.get("hits").findValuesAsText("id");
    assertEquals(expected, after, "the page shows the API's refined ranking");
    assertNotEquals(before, after, "the marks change the results");
    // The point of feedback: the refined page holds more tiles of the class than the first one.
    Map<String, String> showsAfter = classes(after.size(), body);
    long tumourBefore = before.stream().filter(id -> TRUE_CLASS.equals(shows.get(id))).count();
    long tumourAfter = after.stream().filter(id -> TRUE_CLASS.equals(showsAfter.get(id))).count();
    System.out.printf(
        "FeedbackLoopBrowserTest: %s tiles among the %d shown for \"%s\": %d before Refine, %d"
            + " after%n",
        TRUE_CLASS, before.size(), QUERY, tumourBefore, tumourAfter);
    assertEquals(before.size(), after.size());
    assertTrue(
        tumourAfter > tumourBefore,
        TRUE_CLASS + " tiles shown: " + tumourBefore + " before Refine, " + tumourAfter + " after");
    assertTrue(after.stream().noneMatch(notRelevant::contains), "not-relevant tiles left out");
    // The marks stay on the tiles still shown.
    for (WebElement card : results()) {
      String id = card.getAttribute("data-tile");
      assertEquals(relevant.contains(id), card.getAttribute("class").contains(" relevant"), id);
    }
    assertFalse(browser.findElement(By.id("status")).getText().startsWith("Error"));
    screenshot("feedback-refined", "status");

    // Save as class: the query's text is offered as the prompt.
    browser.findElement(By.id("save-class-button")).click();
    WebElement name = browser.findElement(By.id("class-name"));
    assertEquals(QUERY, browser.findElement(By.id("class-prompt")).getAttribute("value"));
    name.sendKeys(CLASS);
    screenshot("feedback-save", "feedback");
    browser.findElement(By.id("save-class-submit")).click();
    wait.until(d -> d.findElement(By.id("status")).getText().startsWith("Saved class " + CLASS));
    JsonNode saved = get("/api/classifiers/" + CLASS.replace(" ", "%20"));
    assertEquals(5, saved.get("relevant").asInt(), saved.toString());
    assertEquals(5, saved.get("not_relevant").asInt(), saved.toString());
    assertEquals(QUERY, saved.get("prompt").asText());

    showClassOnSlide("feedback-slide");
    // "Download for QuPath" with the class: every tile is the class or its complement.
    WebElement link = browser.findElement(By.id("qupath-link"));
    assertTrue(
        link.getAttribute("href").contains("classifier=" + CLASS.replace(" ", "+")),
        link.getAttribute("href"));
    link.click();
    Path file = DOWNLOADS.resolve(ServedIndex.SLIDE + ".geojson");
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> Files.isRegularFile(file));
    JsonNode collection = JSON.readTree(file.toFile());
    assertFalse(collection.get("features").isEmpty());
    int inClass = 0;
    for (JsonNode feature : collection.get("features")) {
      JsonNode properties = feature.get("properties");
      String predicted = properties.get("classification").get("name").asText();
      inClass += predicted.equals(CLASS) ? 1 : 0;
      assertTrue(List.of(CLASS, "not " + CLASS).contains(predicted), predicted);
      double p = properties.get("measurements").get("p(" + CLASS + ")").asDouble(-1);
      assertTrue(p >= 0 && p <= 1, properties.toString());
    }
    JsonNode apiCollection =
        get(
            "/api/slides/"
                + ServedIndex.SLIDE
                + "/zeroshot.geojson?classifier="
                + CLASS.replace(" ", "%20"));
    assertEquals(apiCollection.get("features"), collection.get("features"));
    assertTrue(
        inClass > 0, "no tile of the slide, which has a tumour region, is the class " + CLASS);

    // A new server on the same index: the class is still there, and its heatmap still loads.
    server.close();
    server = start();
    showClassOnSlide("feedback-after-restart");
    assertEquals(
        saved.get("created").asText(),
        get("/api/classifiers/" + CLASS.replace(" ", "%20")).get("created").asText());

    // Deleting it, once confirmed, takes it out of the picker and the index.
    browser.findElement(By.id("delete-classifier")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(
        d ->
            d.findElement(By.id("slide-status"))
                .getText()
                .equals("Deleted the saved classifier " + CLASS + "."));
    assertTrue(
        browser
            .findElements(By.cssSelector("#prompt-set optgroup[label='Saved classifiers']"))
            .isEmpty());
    assertFalse(browser.findElement(By.id("delete-classifier")).isDisplayed());
    assertEquals(0, get("/api/classifiers").get("classifiers").size());
  }

  /**
   * Opens the slide page, chooses the saved class in the prompt-set picker (listed under "Saved
   * classifiers") and classifies the slide: its heatmap overlay loads and is the class's.
   */
  private static void showClassOnSlide(String shot) throws IOException {
    browser.get("about:blank");
    browser.get(server.url() + "/#/slide/" + ServedIndex.SLIDE);
    wait.until(
        d ->
            !d.findElements(
                    By.cssSelector("#prompt-set optgroup[label='Saved classifiers'] option"))
                .isEmpty());
    new Select(browser.findElement(By.id("prompt-set"))).selectByVisibleText(CLASS);
    assertTrue(
        browser.findElement(By.id("delete-classifier")).isDisplayed(),
        "a saved class can be deleted");
    List<String> classes =
        new Select(browser.findElement(By.id("heat-class")))
            .getOptions().stream().map(WebElement::getText).toList();
    assertTrue(classes.contains(CLASS), classes.toString());
    new Select(browser.findElement(By.id("heat-class"))).selectByVisibleText(CLASS);
    wait.until(d -> d.findElement(By.id("classify-button")).isEnabled());
    browser.findElement(By.id("classify-button")).click();
    wait.until(
        d -> d.findElement(By.id("slide-status")).getText().contains("heatmap shows " + CLASS));
    WebElement overlay = browser.findElement(By.id("overlay"));
    assertTrue(overlay.isDisplayed());
    assertTrue(
        (Boolean)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return arguments[0].complete && arguments[0].naturalWidth > 0", overlay),
        "the class's heatmap decodes");
    assertTrue(overlay.getAttribute("src").contains("classifier="), overlay.getAttribute("src"));
    assertEquals("P(" + CLASS + ")", browser.findElement(By.id("legend-title")).getText());
    screenshot(shot, "slide-title");
  }

  private static JsonNode get(String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), path + ": " + response.body());
      return JSON.readTree(response.body());
    }
  }

  private static JsonNode post(String path, JsonNode body) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url() + path))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(response.statusCode() < 300, response.body());
      return JSON.readTree(response.body());
    }
  }

  /**
   * What each of the top {@code k} tiles for the query shows, by tile id: its label, or for a tile
   * of the slide the generator's class at its centre (what a pathologist would see in it).
   */
  private static Map<String, String> classes(int k) throws Exception {
    return classes(
        get("/api/search?k=" + k + "&text=" + URLEncoder.encode(QUERY, StandardCharsets.UTF_8))
            .get("hits"));
  }

  /** As {@link #classes(int)}, for the refined query in {@code body}. */
  private static Map<String, String> classes(int k, ObjectNode body) throws Exception {
    return classes(post("/api/search/refine", body.deepCopy().put("k", k)).get("hits"));
  }

  private static Map<String, String> classes(JsonNode hits) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode hit : hits) {
      out.put(hit.get("id").asText(), FeedbackLoopIndex.classOf(hit, slideTruth));
    }
    return out;
  }

  private static List<String> ids(List<WebElement> cards) {
    return cards.stream().map(c -> c.getAttribute("data-tile")).toList();
  }

  /** Waits for the search to finish and returns its result cards. */
  private static List<WebElement> results() {
    wait.until(
        d ->
            !d.findElement(By.id("status")).getAttribute("class").contains("loading")
                && !d.findElement(By.id("status")).getText().isEmpty());
    String status = browser.findElement(By.id("status")).getText();
    assertFalse(status.startsWith("Error"), status);
    return browser.findElements(By.cssSelector("#results li.result"));
  }

  /** A screenshot with {@code element} at the top of the window, no control focused. */
  private static void screenshot(String name, String element) throws IOException {
    ((JavascriptExecutor) browser)
        .executeScript(
            "document.activeElement.blur(); document.getElementById(arguments[0]).scrollIntoView()",
            element);
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
