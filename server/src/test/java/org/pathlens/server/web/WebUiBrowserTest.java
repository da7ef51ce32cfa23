package org.pathlens.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.index.slides.TilingOptions;
import org.pathlens.index.slides.TissueDetector;
import org.pathlens.server.PathLensServer;
import org.pathlens.server.ServerConfig;

/**
 * The web UI in Debian's headless Chromium against a real server over a small generated index (9
 * classes, one center, one generated slide, one tile whose caption is a script). Skips when chromium or
 * chromedriver is not installed. Screenshots of each page go to {@code target/screenshots/}.
 */
class WebUiBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target/screenshots");
  private static final String SCRIPT_CAPTION = "<script>window.__pwned = true</script><b>not bold</b>";

  @TempDir static Path tmp;
  private static Path tiles;
  private static List<ManifestRow> manifest;
  private static PathLensServer server;
  private static ChromeDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)");
    tiles = tmp.resolve("tiles");
    Path manifestFile = SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 1, 5, 224, 2)).manifest();
    manifest = ManifestRow.read(manifestFile);
    Path slide = SyntheticSlide.write(tmp.resolve("slides/S-1.tiff"), new SyntheticSlide.Options(1536, 1024, "center-a",
        5, 7, PyramidTiffWriter.Compression.JPEG, 2)).slide();
    Path indexDir = tmp.resolve("index");
    try (VisionLanguageModel model = VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
        TileIndex index = TileIndex.open(indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults())) {
      ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
      new TileFolderIngest(model.images(), decoder, 16, 2).ingest(tiles, manifestFile, index, IngestListener.NONE);
      new SlideIngest(model.images(), TilingOptions.defaults(), TissueDetector.defaults(), 16, 2, 256)
          .ingest(List.of(slide), index, IngestListener.NONE);
      // A tile whose caption is markup: the page must show it as text, never run it.
      Path file = tiles.resolve(manifest.getFirst().path()).toAbsolutePath();
      float[] embedding = model.images().encode(decoder.decode(file));
      index.add(List.of(new TileRecord("xss-tile", "XSS-1", "P-x", "xss-site", "HE", "scanner-x", "TUM",
          SCRIPT_CAPTION, null, null, 0.5, file.toString(), Map.of())), List.of(embedding));
    }
    server = PathLensServer.start(new ServerConfig(indexDir, Fixtures.demoBundle(), Fixtures.root().resolve("prompts/sets"),
        "127.0.0.1", 0, null, 8L << 20, 10_000_000, 2, 16, null, EncoderOptions.defaults().withThreads(2)));
    browser = chromium();
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    Files.createDirectories(SCREENSHOTS);
  }

  /** Debian's chromium through its own driver, so Selenium Manager never runs; no outside connections. */
  private static ChromeDriver chromium() throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-domain-reliability",
        "--disable-client-side-phishing-detection", "--no-pings", "--disable-breakpad",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
        "--disable-features=AutofillServerCommunication,NetworkTimeServiceQuerying,OptimizationHintsFetching,"
            + "OptimizationGuideModelDownloading,MediaRouter,Translate",
        "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-profile-"),
        "--window-size=1366,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
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

  @Test
  void typedQueryShowsTilesOfTheRightClassFirst() throws IOException {
    open("/#/");
    WebElement box = browser.findElement(By.id("q"));
    box.sendKeys("large empty fat cells", Keys.ENTER); // Enter submits
    List<WebElement> cards = results();
    assertTrue(cards.size() >= 10, "tiles shown: " + cards.size());
    assertEquals("ADI", cards.getFirst().findElement(By.className("label")).getText());
    assertTrue(loaded(cards.getFirst().findElement(By.tagName("img"))), "the first thumbnail decodes");
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
    assertEquals("Type a description to search, or drop an image below.", browser.findElement(By.id("status")).getText());
    browser.findElement(By.id("f-label")).sendKeys("NO-SUCH-LABEL");
    browser.findElement(By.id("q")).sendKeys("tissue", Keys.ENTER);
    assertTrue(results().isEmpty());
    assertEquals("No tiles match \u201ctissue\u201d. Try other words or fewer filters.",
        browser.findElement(By.id("status")).getText());
  }

  @Test
  void uploadedImageShowsTheSameTileFirstAndSimilarCases() throws IOException {
    open("/#/");
    ManifestRow tile = manifest.stream().filter(r -> r.label().equals("TUM")).findFirst().orElseThrow();
    // The file input behind the drop zone: the path a keyboard user takes too.
    Path upload = Files.copy(tiles.resolve(tile.path()), tmp.resolve("query.png"), StandardCopyOption.REPLACE_EXISTING);
    browser.findElement(By.id("file")).sendKeys(upload.toAbsolutePath().toString());
    List<WebElement> cards = results();
    assertEquals(tile.label(), cards.getFirst().findElement(By.className("label")).getText());
    assertEquals("1.000", cards.getFirst().findElement(By.className("score")).getText());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cases-box")));
    List<WebElement> cases = browser.findElements(By.cssSelector("#cases li a"));
    assertEquals(tile.slideId(), cases.getFirst().getText());
    assertTrue(loaded(browser.findElement(By.id("query-image"))));
    screenshot("search-image");
  }

  @Test
  void slidePageShowsPredictionAndHeatmapWithAWorkingOpacitySlider() throws IOException {
    open("/#/slides");
    WebElement link = wait.until(ExpectedConditions.elementToBeClickable(By.linkText("S-1")));
    screenshot("slides");
    link.click();
    wait.until(d -> new Select(d.findElement(By.id("prompt-set"))).getOptions().size() > 0);
    new Select(browser.findElement(By.id("prompt-set"))).selectByValue("demo-crc9");
    assertTrue(loaded(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("slide-thumb")))));
    browser.findElement(By.id("classify-button")).click();
    WebElement heatmap = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("heatmap")));
    assertTrue(loaded(heatmap), "heatmap image decoded");
    String prediction = browser.findElement(By.id("prediction")).getText();
    List<WebElement> rows = browser.findElements(By.cssSelector("#probabilities tbody tr"));
    assertEquals(9, rows.size());
    assertEquals(prediction, rows.getFirst().findElement(By.tagName("td")).getText(), "the top row is the prediction");
    assertEquals("0.85", heatmap.getCssValue("opacity"));
    // The slider by keyboard: Home to 0, then three steps right.
    WebElement slider = browser.findElement(By.id("opacity"));
    slider.sendKeys(Keys.HOME);
    assertEquals("0", heatmap.getCssValue("opacity"));
    slider.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
    assertEquals("0.03", heatmap.getCssValue("opacity"));
    assertEquals("3 %", browser.findElement(By.id("opacity-value")).getText());
    slider.sendKeys(Keys.END);
    assertEquals("1", heatmap.getCssValue("opacity"));
    screenshot("slide");
  }

  @Test
  void aCaptionHoldingAScriptIsShownAsText() throws IOException {
    open("/#/");
    browser.findElement(By.id("f-site")).sendKeys("xss-site");
    browser.findElement(By.id("q")).sendKeys("tumour", Keys.ENTER);
    List<WebElement> cards = results();
    assertEquals(1, cards.size());
    assertEquals("1 tile for \u201ctumour\u201d.", browser.findElement(By.id("status")).getText());
    assertEquals(SCRIPT_CAPTION, cards.getFirst().findElement(By.className("caption")).getText());
    assertTrue(cards.getFirst().findElements(By.tagName("script")).isEmpty());
    assertTrue(cards.getFirst().findElements(By.tagName("b")).isEmpty());
    assertNull(((JavascriptExecutor) browser).executeScript("return window.__pwned"));
    screenshot("caption-escaped");
  }

  @Test
  void anUploadThatIsNotAnImageShowsTheServersError() throws IOException {
    open("/#/");
    Path notes = Files.writeString(tmp.resolve("notes.png"), "these are notes, not pixels");
    browser.findElement(By.id("file")).sendKeys(notes.toAbsolutePath().toString());
    WebElement status = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#status.error")));
    assertTrue(status.getText().contains("notes.png: not a recognised image format"), status.getText());
  }

  private static void open(String path) {
    // A fresh page each time, so nothing a previous test typed stays in the form (getting the same URL
    // with another #fragment would only change the hash).
    browser.get("about:blank");
    browser.get(server.url() + path);
    wait.until(d -> d.findElement(By.id("health")).getText().contains("tiles"));
  }

  /** Waits for the search to finish and returns its result cards. */
  private static List<WebElement> results() {
    wait.until(d -> !d.findElement(By.id("status")).getAttribute("class").contains("loading")
        && !d.findElement(By.id("status")).getText().isEmpty());
    String status = browser.findElement(By.id("status")).getText();
    assertFalse(status.startsWith("Error"), status);
    return browser.findElements(By.cssSelector("#results li.result"));
  }

  private static boolean loaded(WebElement image) {
    return wait.until(d -> (Boolean) ((JavascriptExecutor) d)
        .executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", image));
  }

  private static void screenshot(String name) throws IOException {
    // From the top of the page, with no control focused (a focused control scrolls itself into view).
    ((JavascriptExecutor) browser).executeScript(
        "document.activeElement.blur(); document.documentElement.scrollTop = 0; window.scrollTo(0, 0)");
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
