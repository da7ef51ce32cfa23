package org.pathlens.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
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
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.server.PathLensServer;
import org.pathlens.server.ServedIndex;
import org.pathlens.testkit.GeoJsonCheck;

/**
 * The web UI in Debian's headless Chromium against real servers over the {@link ServedIndex} (one
 * without a token, one with). Skips when chromium or chromedriver is not installed. Screenshots of
 * each page go to {@code target/screenshots/}.
 */
@ExtendWith(ServedIndex.Resolver.class)
class WebUiBrowserTest {

  private static final Path SCREENSHOTS = Path.of("target/screenshots");
  private static final Path DOWNLOADS = Path.of("target/downloads");

  @TempDir static Path tmp;
  private static ServedIndex served;
  private static PathLensServer server;
  private static PathLensServer guarded;
  private static ChromeDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start(ServedIndex index) throws IOException {
    HeadlessChromium.assumeInstalled();
    served = index;
    server = index.start(null, 8L << 20, 10_000_000, 2, 16);
    guarded = index.start(ServedIndex.TOKEN, 8L << 20, 10_000_000, 2, 16);
    deleteDownloads();
    browser = HeadlessChromium.start(tmp, DOWNLOADS);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    for (PathLensServer s : new PathLensServer[] {server, guarded}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void typedQueryShowsTilesOfTheRightClassFirst() throws IOException {
    open("/#/");
    WebElement box = browser.findElement(By.id("q"));
    box.sendKeys("large empty fat cells", Keys.ENTER); // Enter submits
    List<WebElement> cards = results();
    assertTrue(cards.size() >= 10, "tiles shown: " + cards.size());
    assertEquals("ADI", cards.getFirst().findElement(By.className("label")).getText());
    assertTrue(
        loaded(cards.getFirst().findElement(By.tagName("img"))), "the first thumbnail decodes");
    String score = cards.getFirst().findElement(By.className("score")).getText();
    assertTrue(score.matches("\\d\\.\\d{3}"), score);
    screenshot("search-text");
  }

  @Test
  void filtersNarrowTheResults() {
    open("/#/");
    browser.findElement(By.id("f-label")).sendKeys("NORM");
    browser.findElement(By.id("q")).sendKeys("tissue", Keys.ENTER);
    List<WebElement> cards = results();
    assertFalse(cards.isEmpty());
    for (WebElement card : cards) {
      assertEquals("NORM", card.findElement(By.className("label")).getText());
    }
  }

  @Test
  void noMatchesShowsAnEmptyStateAndAnEmptyQueryAsksForText() {
    open("/#/");
    browser.findElement(By.id("q")).sendKeys(Keys.ENTER);
    assertEquals(
        "Type a description to search, or drop an image below.",
        browser.findElement(By.id("status")).getText());
    browser.findElement(By.id("f-label")).sendKeys("NO-SUCH-LABEL");
    browser.findElement(By.id("q")).sendKeys("tissue", Keys.ENTER);
    assertTrue(results().isEmpty());
    assertEquals(
        "No tile passes the filters (label:NO-SUCH-LABEL): check their values, or clear one.",
        browser.findElement(By.id("status")).getText());
  }

  /**
   * The filter boxes offer the index's values, and a value typed in another case finds the indexed
   * one: "XSS-SITE" filters to the tile of site "xss-site".
   */
  @Test
  void filterBoxesOfferTheIndexedValuesAndIgnoreCase() {
    open("/#/");
    WebElement site = browser.findElement(By.id("f-site"));
    site.click(); // focusing a filter box loads the values
    wait.until(d -> !d.findElements(By.cssSelector("#values-site option")).isEmpty());
    List<String> offered =
        browser.findElements(By.cssSelector("#values-site option")).stream()
            .map(o -> o.getAttribute("value"))
            .toList();
    assertTrue(offered.contains("xss-site") && offered.contains("center-a"), offered.toString());
    site.sendKeys("XSS-SITE");
    browser.findElement(By.id("q")).sendKeys("tumour", Keys.ENTER);
    assertEquals(1, resultsFor("tumour").size());
  }

  /**
   * A lab's own manifest column ({@code label_code}) is on every card of a tile that has it, gets a
   * filter box with the index's values and their counts, filters, and survives in a shared link; a
   * card says what identifies its tile (its slide and position).
   */
  @Test
  void aManifestColumnIsShownOnCardsAndOfferedAsAFilter() throws IOException {
    open("/#/");
    browser.findElement(By.id("q")).sendKeys("large empty fat cells", Keys.ENTER);
    List<WebElement> cards = resultsFor("large empty fat cells");
    WebElement first = cards.getFirst();
    assertEquals("ADI", first.findElement(By.className("label")).getText());
    assertEquals("label code 0", first.findElement(By.className("extra")).getText());
    assertTrue(
        first.findElement(By.className("meta")).getText().matches("Slide \\S+ at \\(\\d+, \\d+\\)"),
        first.findElement(By.className("meta")).getText());
    // The box appears once the index's fields are known, with the values and their tile counts.
    WebElement code = wait.until(d -> d.findElement(By.id("f-label_code")));
    assertEquals(
        "Label code", browser.findElement(By.cssSelector("label[for='f-label_code']")).getText());
    List<WebElement> offered = browser.findElements(By.cssSelector("#values-label_code option"));
    assertEquals(9, offered.size());
    assertEquals("0", offered.getFirst().getAttribute("value")); // 2 tiles each: by value
    assertEquals("2 tiles", offered.getFirst().getDomProperty("textContent")); // not displayed
    code.sendKeys("8");
    WebElement box = browser.findElement(By.id("q"));
    box.clear();
    box.sendKeys("tumour", Keys.ENTER);
    wait.until(d -> d.getCurrentUrl().contains("label_code=8"));
    List<WebElement> coded = resultsFor("tumour");
    assertEquals(2, coded.size());
    for (WebElement card : coded) {
      assertEquals("TUM", card.findElement(By.className("label")).getText());
      assertEquals("label code 8", card.findElement(By.className("extra")).getText());
    }
    screenshot("search-manifest-column");
    // The link holds the column's filter: opened afresh, it shows the same two tiles.
    String link = browser.getCurrentUrl();
    browser.get("about:blank");
    browser.get(link);
    assertEquals(2, resultsFor("tumour").size());
    assertEquals("8", browser.findElement(By.id("f-label_code")).getAttribute("value"));
  }

  @Test
  void anUploadedTileIsClassifiedWithTheChosenPromptSet() throws IOException {
    open("/#/");
    ManifestRow tile = served.first("TUM");
    Path upload =
        Files.copy(
            served.tiles().resolve(tile.path()),
            tmp.resolve("classify-me.png"),
            StandardCopyOption.REPLACE_EXISTING);
    browser.findElement(By.id("file")).sendKeys(upload.toAbsolutePath().toString());
    assertFalse(results().isEmpty());
    wait.until(d -> new Select(d.findElement(By.id("tile-prompt-set"))).getOptions().size() > 1);
    new Select(browser.findElement(By.id("tile-prompt-set"))).selectByValue("demo-crc9");
    browser.findElement(By.id("tile-classify-button")).click();
    WebElement table =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tile-probabilities")));
    List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
    assertEquals(9, rows.size());
    String top = rows.getFirst().findElement(By.tagName("td")).getText();
    assertEquals(
        "classify-me.png: " + top + " (demo-crc9).",
        browser.findElement(By.id("status")).getText());
    assertEquals("TUM", top, "the demo model knows its own tumour tile");
    screenshot("classify-tile");
  }

  /**
   * From a result to its place on the slide: #/slide/S-1?x=&y= outlines the tile's level-0 square
   * on the thumbnail (the 1536 x 1024 slide, 224 px tiles at its own 0.5 µm/px), and the slide's
   * size shows in its details.
   */
  @Test
  void aTileIsOutlinedWhereItLiesOnItsSlide() {
    open("/#/slide/" + ServedIndex.SLIDE + "?x=448&y=224");
    WebElement marker =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tile-marker")));
    WebElement thumbnail = browser.findElement(By.id("slide-thumb"));
    wait.until(d -> loaded(thumbnail));
    Map<?, ?> box = box(thumbnail);
    Map<?, ?> tile = box(marker);
    double width = ((Number) box.get("width")).doubleValue();
    double height = ((Number) box.get("height")).doubleValue();
    double left =
        ((Number) tile.get("left")).doubleValue() - ((Number) box.get("left")).doubleValue();
    double top = ((Number) tile.get("top")).doubleValue() - ((Number) box.get("top")).doubleValue();
    assertEquals(448.0 / 1536, left / width, 0.01, "left");
    assertEquals(224.0 / 1024, top / height, 0.01, "top");
    assertEquals(224.0 / 1536, ((Number) tile.get("width")).doubleValue() / width, 0.01, "side");
    String meta = browser.findElement(By.id("slide-meta")).getText();
    assertTrue(meta.contains("1536 × 1024 px"), meta);
    // the generated slide records its resolution: shown as measured, not "assumed"
    assertTrue(meta.contains("0.500 µm/px · "), meta);
    assertFalse(meta.contains("assumed"), meta);
    open("/#/slide/" + ServedIndex.SLIDE);
    wait.until(d -> loaded(browser.findElement(By.id("slide-thumb"))));
    assertFalse(browser.findElement(By.id("tile-marker")).isDisplayed(), "no tile asked for");
  }

  /**
   * The deep-zoom view: OpenSeadragon (from the server's jar) opens the slide's Deep Zoom Image and
   * draws its tiles; after Classify slide the heatmap lies on it as a second image, whose opacity
   * follows the slider.
   */
  @Test
  void theSlideOpensInADeepZoomViewerWithTheHeatmapOnIt() throws IOException {
    open("/#/slide/" + ServedIndex.SLIDE);
    JavascriptExecutor js = (JavascriptExecutor) browser;
    wait.until(
        d ->
            (Boolean)
                js.executeScript(
                    "const v = window.zoomViewer; return !!v && v.world.getItemCount() === 1"
                        + " && v.world.getItemAt(0).getFullyLoaded()"));
    assertEquals(
        1536L,
        ((Number) js.executeScript("return zoomViewer.world.getItemAt(0).getContentSize().x"))
            .longValue());
    new Select(browser.findElement(By.id("prompt-set"))).selectByValue("demo-crc9");
    browser.findElement(By.id("classify-button")).click();
    wait.until(
        d ->
            (Boolean)
                js.executeScript(
                    "return zoomViewer.world.getItemCount() === 2"
                        + " && zoomViewer.world.getItemAt(1).getFullyLoaded()"));
    browser.findElement(By.id("opacity")).sendKeys(Keys.END);
    assertEquals(
        1.0,
        ((Number) js.executeScript("return zoomViewer.world.getItemAt(1).getOpacity()"))
            .doubleValue());
    // Pointing at a tile names it with its likeliest classes; clicking opens it.
    wait.until(d -> (Boolean) js.executeScript("return zoomTiles !== null"));
    WebElement zoom = browser.findElement(By.id("zoom"));
    js.executeScript("arguments[0].scrollIntoView()", zoom);
    List<?> target =
        (List<?>)
            js.executeScript(
                "const t = [...zoomTiles.cells.values()][0];"
                    + " const p = zoomViewer.viewport.imageToViewerElementCoordinates("
                    + "new OpenSeadragon.Point(t.x + zoomTiles.side / 2, t.y + zoomTiles.side / 2));"
                    + " return [t.id, p.x, p.y, zoomViewer.element.clientWidth,"
                    + " zoomViewer.element.clientHeight]");
    String id = (String) target.get(0);
    int dx =
        (int) (((Number) target.get(1)).doubleValue() - ((Number) target.get(3)).doubleValue() / 2);
    int dy =
        (int) (((Number) target.get(2)).doubleValue() - ((Number) target.get(4)).doubleValue() / 2);
    new Actions(browser).moveToElement(zoom, dx, dy).perform();
    wait.until(d -> d.findElement(By.id("zoom-info")).getText().startsWith("Tile " + id + ": "));
    assertTrue(
        browser.findElement(By.id("zoom-info")).getText().contains(" %"),
        browser.findElement(By.id("zoom-info")).getText());
    new Actions(browser).moveToElement(zoom, dx, dy).click().perform();
    WebElement opened =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("zoom-tile-image")));
    assertTrue(loaded(opened), "the tile's image");
    assertTrue(
        browser.findElement(By.id("zoom-tile-caption")).getText().startsWith("Tile " + id),
        browser.findElement(By.id("zoom-tile-caption")).getText());
    assertTrue(
        browser
            .findElement(By.cssSelector("#zoom-tile-caption a"))
            .getAttribute("href")
            .contains("#/?tile="),
        "more like the opened tile");
    screenshot("slide-zoom");
    // The viewer itself, with the opened tile below it.
    Files.copy(
        browser
            .findElement(By.cssSelector(".zoom-panel"))
            .getScreenshotAs(OutputType.FILE)
            .toPath(),
        SCREENSHOTS.resolve("slide-zoom-viewer.png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * "Download for QuPath" saves the slide's tiles, classified with the chosen prompt set, as a
   * GeoJSON file that an RFC 7946 validator written by others accepts (when Node is there to run
   * it): one feature per tile, each a QuPath tile object.
   */
  @Test
  void theSlidePageDownloadsItsTilesForQuPath() throws Exception {
    open("/#/slide/" + ServedIndex.SLIDE);
    WebElement link =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("qupath-link")));
    new Select(browser.findElement(By.id("prompt-set"))).selectByValue("demo-crc9");
    assertEquals("Download for QuPath", link.getText());
    assertEquals(ServedIndex.SLIDE + ".geojson", link.getAttribute("download"));
    assertTrue(
        link.getAttribute("href")
            .endsWith("/api/slides/" + ServedIndex.SLIDE + "/zeroshot.geojson?prompts=demo-crc9"),
        link.getAttribute("href"));
    link.click();
    Path file = DOWNLOADS.resolve(ServedIndex.SLIDE + ".geojson");
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> Files.isRegularFile(file));
    JsonNode collection = new ObjectMapper().readTree(file.toFile());
    assertEquals("FeatureCollection", collection.get("type").asText());
    assertEquals(ServedIndex.SLIDE, collection.get("pathlens").get("slide_id").asText());
    long tiles =
        ((Number)
                ((JavascriptExecutor) browser)
                    .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                            + " fetch('/api/slides/"
                            + ServedIndex.SLIDE
                            + "').then(r => r.json()).then(r => done(r.tiles))"))
            .longValue();
    assertEquals(tiles, collection.get("features").size());
    for (JsonNode feature : collection.get("features")) {
      assertEquals("tile", feature.get("properties").get("objectType").asText());
    }
    Optional<GeoJsonCheck> check = GeoJsonCheck.find();
    if (check.isPresent()) {
      assertEquals(List.of(), check.get().issues(List.of(file)));
    }
  }

  /** Files a previous run downloaded, so that each test sees only its own. */
  private static void deleteDownloads() throws IOException {
    if (Files.isDirectory(DOWNLOADS)) {
      try (Stream<Path> files = Files.list(DOWNLOADS)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(DOWNLOADS);
  }

  /** A TIFF tile, which the browser cannot show itself, is previewed from the server's PNG. */
  @Test
  void aTiffUploadIsPreviewedAndSearched() throws IOException {
    open("/#/");
    ManifestRow tile = served.first("MUS");
    BufferedImage pixels = ImageIO.read(served.tiles().resolve(tile.path()).toFile());
    Path tiff = tmp.resolve("query.tif");
    assertTrue(ImageIO.write(pixels, "tiff", tiff.toFile()));
    browser.findElement(By.id("file")).sendKeys(tiff.toAbsolutePath().toString());
    List<WebElement> cards = results();
    assertEquals(tile.label(), cards.getFirst().findElement(By.className("label")).getText());
    WebElement preview = browser.findElement(By.id("query-image"));
    wait.until(d -> loaded(preview));
    assertEquals(
        List.of((long) pixels.getWidth(), (long) pixels.getHeight()), naturalSize(preview));
  }

  /**
   * Similar cases on a slide page: other slides by their tiles, linked only where they have one.
   */
  @Test
  void aSlidePageShowsSimilarCases() {
    open("/#/slide/" + ServedIndex.SLIDE);
    wait.until(d -> !d.findElements(By.cssSelector("#slide-cases li")).isEmpty());
    List<WebElement> cases = browser.findElements(By.cssSelector("#slide-cases li"));
    for (WebElement entry : cases) {
      assertFalse(entry.getText().startsWith(ServedIndex.SLIDE + " "), "the slide itself");
      assertTrue(entry.findElements(By.tagName("a")).isEmpty(), "no other slide has a record");
    }
  }

  /**
   * "Find: whole slides" lists slides by their stored mean embedding, in the order the API gives,
   * under a title that says what they are; the choice is part of the shareable URL.
   */
  @Test
  void aTextSearchCanFindWholeSlides() throws Exception {
    open("/#/?q=tissue&level=slide&k=5");
    wait.until(d -> d.findElement(By.id("status")).getText().contains("by their mean embedding"));
    assertEquals("slide", browser.findElement(By.id("f-level")).getAttribute("value"));
    assertEquals(
        "Slides for \u201ctissue\u201d", browser.findElement(By.id("cases-title")).getText());
    List<String> shown =
        browser.findElements(By.cssSelector("#cases li")).stream()
            .map(li -> li.getText().split(" ")[0])
            .toList();
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            server.url() + "/api/search?text=tissue&level=slide&k=5"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    List<String> api = new ArrayList<>();
    new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(response.body())
        .get("slides")
        .forEach(slide -> api.add(slide.get("slide_id").asText()));
    assertFalse(api.isEmpty());
    assertEquals(api, shown);
    assertTrue(browser.findElements(By.cssSelector("#results li")).isEmpty(), "no tiles shown");
    screenshot("slide-search");
  }

  /**
   * "Find: patients" lists patients as the API ranks them (late fusion: the mean of their slides'
   * vectors); each links to its case in the cases view, which lists every patient with its slides.
   */
  @Test
  void patientsAreFoundByTextAndListedWithTheirSlides() throws Exception {
    open("/#/?q=tissue&level=patient&k=3");
    wait.until(
        d -> d.findElement(By.id("status")).getText().contains("by the mean of their slides"));
    assertEquals("patient", browser.findElement(By.id("f-level")).getAttribute("value"));
    List<String> shown =
        browser.findElements(By.cssSelector("#cases li a")).stream()
            .map(WebElement::getText)
            .toList();
    JsonNode api = apiJson("/api/search?text=tissue&level=patient&k=3");
    List<String> ranked = new ArrayList<>();
    api.get("patients").forEach(p -> ranked.add(p.get("patient_id").asText()));
    assertEquals(3, ranked.size(), api.toString());
    assertEquals(ranked, shown);
    screenshot("patient-search");

    browser.findElement(By.cssSelector("#cases li a")).click();
    wait.until(d -> d.findElement(By.id("cases-status")).getText().endsWith("patients."));
    WebElement selected = browser.findElement(By.cssSelector("#patients li.selected"));
    assertTrue(selected.getText().startsWith(ranked.getFirst() + " "), selected.getText());
    JsonNode cases = apiJson("/api/patients");
    List<String> slides = new ArrayList<>();
    for (JsonNode patient : cases.get("patients")) {
      if (patient.get("patient_id").asText().equals(ranked.getFirst())) {
        patient.get("slides").forEach(slide -> slides.add(slide.get("slide_id").asText()));
      }
    }
    assertFalse(slides.isEmpty());
    assertTrue(selected.getText().endsWith(": " + String.join(", ", slides)), selected.getText());
    assertEquals(
        cases.get("patients").size(), browser.findElements(By.cssSelector("#patients li")).size());
    screenshot("cases");
  }

  private JsonNode apiJson(String path) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + path))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
  }

  /** At a phone's width nothing is wider than the screen, on the search and the slide page. */
  @Test
  void phoneWidthPagesFitTheScreen() {
    var size = browser.manage().window().getSize();
    try {
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
      for (String page : List.of("/#/?q=tissue&k=12", "/#/slide/" + ServedIndex.SLIDE)) {
        open(page);
        wait.until(
            d ->
                !d.findElement(By.id("status")).getText().isEmpty()
                    || !d.findElement(By.id("slide-status")).getText().isEmpty());
        Object overflow =
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0L, ((Number) overflow).longValue(), page + " scrolls sideways");
      }
    } finally {
      browser.manage().window().setSize(size);
    }
  }

  /** Waits until the status reports a finished search for {@code text}; returns its tiles. */
  private static List<WebElement> resultsFor(String text) {
    wait.until(d -> d.findElement(By.id("status")).getText().contains("\u201c" + text + "\u201d"));
    return results();
  }

  /** A search is a URL: a link with ?q= opens with its results, and the hash holds the search. */
  @Test
  void aSharedLinkOpensWithItsResults() {
    browser.get("about:blank");
    browser.get(server.url() + "/?q=large%20empty%20fat%20cells&k=12");
    List<WebElement> cards = resultsFor("large empty fat cells");
    assertEquals(12, cards.size());
    assertEquals("ADI", cards.getFirst().findElement(By.className("label")).getText());
    assertEquals("large empty fat cells", browser.findElement(By.id("q")).getAttribute("value"));
    assertTrue(
        browser.getCurrentUrl().contains("#/?q=large%20empty%20fat%20cells&k=12"),
        browser.getCurrentUrl());
  }

  @Test
  void backAndForwardGoThroughSearches() {
    open("/#/");
    WebElement box = browser.findElement(By.id("q"));
    box.sendKeys("large empty fat cells", Keys.ENTER);
    resultsFor("large empty fat cells");
    box.clear();
    box.sendKeys("dense sheets of small round lymphocytes", Keys.ENTER);
    assertEquals(
        "LYM",
        resultsFor("dense sheets of small round lymphocytes")
            .getFirst()
            .findElement(By.className("label"))
            .getText());
    browser.navigate().back();
    List<WebElement> cards = resultsFor("large empty fat cells");
    assertEquals("ADI", cards.getFirst().findElement(By.className("label")).getText());
    assertEquals("large empty fat cells", browser.findElement(By.id("q")).getAttribute("value"));
  }

  /**
   * The banner shows the server's calibrated verdict: an unrelated text is no better than unrelated
   * text; "tumor epithelium", whose words the demo model never learnt (its best tiles are not
   * tumour), is called no better either, not strong; a tissue query the model knows gets no banner
   * (strong). The verdicts are what the API says for the same searches.
   */
  @Test
  void theBannerShowsTheCalibratedVerdict() {
    open("/#/?q=a%20photo%20of%20a%20cat&k=12");
    resultsFor("a photo of a cat");
    WebElement weak = browser.findElement(By.id("weak"));
    assertTrue(weak.isDisplayed());
    assertEquals("no better than unrelated text", weak.getAttribute("data-verdict"));
    assertTrue(weak.getText().startsWith("No better than unrelated text: "), weak.getText());
    open("/#/?q=tumor%20epithelium&k=12");
    List<WebElement> tumour = resultsFor("tumor epithelium");
    assertNotEquals("TUM", tumour.getFirst().findElement(By.className("label")).getText());
    weak = browser.findElement(By.id("weak"));
    assertTrue(weak.isDisplayed(), "tumor epithelium finds no tumour tile first: not strong");
    open("/#/?q=large%20empty%20fat%20cells&k=12");
    List<WebElement> fat = resultsFor("large empty fat cells");
    assertEquals("ADI", fat.getFirst().findElement(By.className("label")).getText());
    assertFalse(browser.findElement(By.id("weak")).isDisplayed());
  }

  /** "More like this" searches by a result tile's own embedding; "caption words" by BM25. */
  @Test
  void moreLikeThisAndCaptionWords() {
    open("/#/?q=large%20empty%20fat%20cells&k=12");
    WebElement first = resultsFor("large empty fat cells").getFirst();
    String firstImage = first.findElement(By.tagName("img")).getAttribute("src");
    first.findElement(By.className("more-like")).click();
    wait.until(d -> d.findElement(By.id("status")).getText().contains(" for tile "));
    List<WebElement> like = results();
    assertEquals(firstImage, like.getFirst().findElement(By.tagName("img")).getAttribute("src"));
    assertEquals("1.000", like.getFirst().findElement(By.className("score")).getText());

    open("/#/");
    new Select(browser.findElement(By.id("f-mode"))).selectByValue("keywords");
    browser.findElement(By.id("q")).sendKeys("fat", Keys.ENTER);
    List<WebElement> words = resultsFor("fat");
    assertFalse(words.isEmpty());
    assertTrue(browser.getCurrentUrl().contains("mode=keywords"), browser.getCurrentUrl());
    for (WebElement card : words) {
      assertTrue(
          card.findElement(By.className("caption")).getText().toLowerCase().contains("fat"),
          card.getText());
    }
  }

  @Test
  void moreResultsAsksForAnotherPage() {
    open("/#/?q=tissue&k=12");
    assertEquals(12, resultsFor("tissue").size());
    browser.findElement(By.id("more")).click();
    // A page (24) more than shown, up to every tile of the small index.
    wait.until(d -> d.findElements(By.cssSelector("#results li.result")).size() > 12);
    assertTrue(browser.getCurrentUrl().endsWith("k=36"), browser.getCurrentUrl());
  }

  /** The demo model says what it is on every page; the page has an icon. */
  @Test
  void theDemoModelIsAnnouncedAndThePageHasAnIcon() throws Exception {
    open("/#/");
    assertTrue(browser.findElement(By.id("demo-banner")).isDisplayed());
    assertTrue(
        browser.findElement(By.id("demo-banner")).getText().contains("Demo model"),
        browser.findElement(By.id("demo-banner")).getText());
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.url() + "/favicon.svg"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(response.body().startsWith("<svg"), response.body());
  }

  @Test
  void uploadedImageShowsTheSameTileFirstAndSimilarCases() throws IOException {
    open("/#/");
    ManifestRow tile = served.first("TUM");
    // The file input behind the drop zone: the path a keyboard user takes too.
    Path upload =
        Files.copy(
            served.tiles().resolve(tile.path()),
            tmp.resolve("query.png"),
            StandardCopyOption.REPLACE_EXISTING);
    browser.findElement(By.id("file")).sendKeys(upload.toAbsolutePath().toString());
    List<WebElement> cards = results();
    assertEquals(tile.label(), cards.getFirst().findElement(By.className("label")).getText());
    assertEquals("1.000", cards.getFirst().findElement(By.className("score")).getText());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cases-box")));
    List<WebElement> cases = browser.findElements(By.cssSelector("#cases li"));
    assertTrue(
        cases.getFirst().getText().startsWith(tile.slideId() + " "), cases.getFirst().getText());
    // A generated tile's slide has no record, so no page to link to.
    assertTrue(cases.getFirst().findElements(By.tagName("a")).isEmpty());
    assertTrue(loaded(browser.findElement(By.id("query-image"))));
    screenshot("search-image");
  }

  @Test
  void slidePageLaysTheHeatmapOnTheThumbnailWithAWorkingOpacitySlider() throws IOException {
    open("/#/slides");
    WebElement link =
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText(ServedIndex.SLIDE)));
    screenshot("slides");
    link.click();
    wait.until(d -> new Select(d.findElement(By.id("prompt-set"))).getOptions().size() > 0);
    new Select(browser.findElement(By.id("prompt-set"))).selectByValue("demo-crc9");
    WebElement thumbnail =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("slide-thumb")));
    assertTrue(loaded(thumbnail));
    browser.findElement(By.id("classify-button")).click();
    WebElement overlay =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overlay")));
    assertTrue(loaded(overlay), "overlay image decoded");
    String prediction = browser.findElement(By.id("prediction")).getText();
    List<WebElement> rows = browser.findElements(By.cssSelector("#probabilities tbody tr"));
    assertEquals(9, rows.size());
    assertEquals(
        prediction,
        rows.getFirst().findElement(By.tagName("td")).getText(),
        "the top row is the prediction");
    // The overlay is the thumbnail's size in pixels and is laid out in exactly the thumbnail's box.
    assertEquals(List.of(1024L, 683L), naturalSize(thumbnail));
    assertEquals(naturalSize(thumbnail), naturalSize(overlay));
    Map<?, ?> box = box(thumbnail);
    assertEquals(box, box(overlay));
    double shownAspect =
        ((Number) box.get("width")).doubleValue() / ((Number) box.get("height")).doubleValue();
    assertEquals(1024.0 / 683, shownAspect, 0.01, "the thumbnail keeps its aspect ratio: " + box);
    assertEquals("P(" + prediction + ")", browser.findElement(By.id("legend-title")).getText());
    assertTrue(
        browser
            .findElement(By.id("heatmap-link"))
            .getAttribute("href")
            .contains("/heatmap.png?prompts=demo-crc9"));
    assertEquals("0.55", overlay.getCssValue("opacity"));
    screenshot("slide");
    // The slider by keyboard: Home to 0, then three steps right.
    WebElement slider = browser.findElement(By.id("opacity"));
    slider.sendKeys(Keys.HOME);
    assertEquals("0", overlay.getCssValue("opacity"));
    slider.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
    assertEquals("0.03", overlay.getCssValue("opacity"));
    assertEquals("3 %", browser.findElement(By.id("opacity-value")).getText());
    slider.sendKeys(Keys.END);
    assertEquals("1", overlay.getCssValue("opacity"));
    screenshot("slide-opaque");
  }

  @Test
  void withATokenThePageAsksForItOnceThenSearchesWithThumbnails() throws IOException {
    browser.get("about:blank");
    browser.get(guarded.url() + "/#/");
    WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    assertFalse(browser.findElement(By.id("page-search")).isDisplayed());
    screenshot("sign-in");
    token.sendKeys("not-the-token", Keys.ENTER);
    wait.until(ExpectedConditions.textToBe(By.id("login-status"), "Error: wrong token"));
    token.clear();
    token.sendKeys(ServedIndex.TOKEN, Keys.ENTER); // Enter signs in
    wait.until(d -> d.findElement(By.id("health")).getText().contains("tiles"));
    assertFalse(browser.findElement(By.id("page-login")).isDisplayed());
    browser.findElement(By.id("q")).sendKeys("large empty fat cells", Keys.ENTER);
    List<WebElement> cards = results();
    assertTrue(cards.size() >= 10, "tiles shown: " + cards.size());
    assertEquals("ADI", cards.getFirst().findElement(By.className("label")).getText());
    // Thumbnails are plain <img> requests: the session cookie, not a header, lets them through.
    for (WebElement card : cards.subList(0, 4)) {
      assertTrue(loaded(card.findElement(By.tagName("img"))), "a thumbnail decodes");
    }
    assertFalse(browser.getCurrentUrl().contains(ServedIndex.TOKEN));
    screenshot("search-signed-in");
    // Signing out ends the session: the form is back, and the API refuses the page's requests
    // again.
    browser.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    open(guarded, "/#/slides", false);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
  }

  @Test
  void aCaptionHoldingAScriptIsShownAsText() throws IOException {
    open("/#/");
    browser.findElement(By.id("f-site")).sendKeys("xss-site");
    browser.findElement(By.id("q")).sendKeys("tumour", Keys.ENTER);
    List<WebElement> cards = results();
    assertEquals(1, cards.size());
    assertEquals("1 tile for \u201ctumour\u201d.", browser.findElement(By.id("status")).getText());
    assertEquals(
        ServedIndex.SCRIPT_CAPTION,
        cards.getFirst().findElement(By.className("caption")).getText());
    assertTrue(cards.getFirst().findElements(By.tagName("script")).isEmpty());
    assertTrue(cards.getFirst().findElements(By.tagName("b")).isEmpty());
    assertNull(((JavascriptExecutor) browser).executeScript("return window.__pwned"));
    screenshot("caption-escaped");
  }

  /**
   * A slide id with no record (a generated tile's, or any other) shows its error under its title,
   * and nothing of the slide shown before: no thumbnail, no Classify button to press.
   */
  @Test
  void aSlideWithoutARecordShowsNoStalePictureAndCannotBeClassified() {
    open("/#/slide/" + ServedIndex.SLIDE);
    WebElement thumbnail =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("slide-thumb")));
    wait.until(d -> loaded(thumbnail));
    assertTrue(browser.findElement(By.id("classify-button")).isEnabled());
    String tileSlide = served.first("ADI").slideId(); // a generated tile's slide: no record
    browser.get(server.url() + "/#/slide/" + tileSlide);
    wait.until(
        ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#slide-status.error")));
    assertEquals("Slide " + tileSlide, browser.findElement(By.id("slide-title")).getText());
    assertFalse(browser.findElement(By.id("slide-thumb")).isDisplayed());
    assertNull(browser.findElement(By.id("slide-thumb")).getAttribute("src"));
    assertFalse(browser.findElement(By.id("classify-button")).isEnabled());
  }

  /** Only slides with a record are links; a generated tile's slide id is plain text. */
  @Test
  void tilesLinkOnlyToSlidesThatHaveAPage() {
    open("/#/");
    browser.findElement(By.id("q")).sendKeys("dense stroma and tumour", Keys.ENTER);
    List<WebElement> cards = results();
    int plain = 0;
    for (WebElement card : cards) {
      List<WebElement> links = card.findElements(By.cssSelector(".meta a"));
      if (links.isEmpty()) {
        plain++;
      } else {
        assertEquals(
            ServedIndex.SLIDE, links.getFirst().getText(), "only the ingested slide links");
      }
    }
    assertTrue(plain > 0, "generated tiles show their slide id without a link");
  }

  /**
   * With no remembered choice, the slide page offers the set that fits the index: the demo index's
   * labels are the nine CRC classes, which two sets have; demo-crc9 is the one made for the demo
   * model (the breast set, first by name, used to be offered).
   */
  @Test
  void theFirstPromptSetOfferedFitsTheIndex() {
    open("/#/");
    ((JavascriptExecutor) browser).executeScript("localStorage.clear()");
    open("/#/slide/" + ServedIndex.SLIDE);
    wait.until(d -> new Select(d.findElement(By.id("prompt-set"))).getOptions().size() > 1);
    wait.until(
        d ->
            "demo-crc9"
                .equals(
                    new Select(d.findElement(By.id("prompt-set")))
                        .getFirstSelectedOption()
                        .getAttribute("value")));
  }

  /** The prompt set picker shows short names, keeps the description for hover, and remembers. */
  @Test
  void thePromptSetChoiceSurvivesAReload() {
    open("/#/slide/" + ServedIndex.SLIDE);
    wait.until(d -> new Select(d.findElement(By.id("prompt-set"))).getOptions().size() > 1);
    Select picker = new Select(browser.findElement(By.id("prompt-set")));
    for (WebElement option : picker.getOptions()) {
      assertEquals(option.getAttribute("value"), option.getText(), "a short label");
    }
    String other = picker.getOptions().getLast().getAttribute("value");
    picker.selectByValue(other);
    browser.navigate().refresh();
    wait.until(d -> new Select(d.findElement(By.id("prompt-set"))).getOptions().size() > 1);
    assertEquals(
        other,
        new Select(browser.findElement(By.id("prompt-set")))
            .getFirstSelectedOption()
            .getAttribute("value"));
  }

  @Test
  void anUploadThatIsNotAnImageShowsTheServersError() throws IOException {
    open("/#/");
    // Results of an earlier search must not stay under the failed upload's preview.
    browser.findElement(By.id("q")).sendKeys("large empty fat cells", Keys.ENTER);
    assertFalse(results().isEmpty());
    Path notes = Files.writeString(tmp.resolve("notes.png"), "these are notes, not pixels");
    browser.findElement(By.id("file")).sendKeys(notes.toAbsolutePath().toString());
    WebElement status =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#status.error")));
    assertTrue(
        status.getText().contains("notes.png: not a recognised image format"), status.getText());
    assertTrue(browser.findElements(By.cssSelector("#results li")).isEmpty(), "stale results");
  }

  private static void open(String path) {
    open(server, path, true);
  }

  private static void open(PathLensServer target, String path, boolean ready) {
    // A fresh page each time, so nothing a previous test typed stays in the form (getting the same
    // URL
    // with another #fragment would only change the hash).
    browser.get("about:blank");
    browser.get(target.url() + path);
    if (ready) {
      wait.until(d -> d.findElement(By.id("health")).getText().contains("tiles"));
    }
  }

  private static List<Long> naturalSize(WebElement image) {
    List<?> size =
        (List<?>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image);
    return size.stream().map(v -> ((Number) v).longValue()).toList();
  }

  /** Where the element is laid out, in CSS pixels. */
  private static Map<?, ?> box(WebElement element) {
    return (Map<?, ?>)
        ((JavascriptExecutor) browser)
            .executeScript(
                "const r = arguments[0].getBoundingClientRect(); return {left: r.left, top: r.top, width: r.width, height: r.height}",
                element);
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

  private static boolean loaded(WebElement image) {
    return wait.until(
        d ->
            (Boolean)
                ((JavascriptExecutor) d)
                    .executeScript(
                        "return arguments[0].complete && arguments[0].naturalWidth > 0", image));
  }

  private static void screenshot(String name) throws IOException {
    // From the top of the page, with no control focused (a focused control scrolls itself into
    // view).
    ((JavascriptExecutor) browser)
        .executeScript(
            "document.activeElement.blur(); document.documentElement.scrollTop = 0; window.scrollTo(0, 0)");
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
