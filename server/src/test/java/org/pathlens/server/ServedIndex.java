package org.pathlens.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.cluster.LocalCluster;
import org.pathlens.index.ingest.IngestListener;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * The index the server tests serve, built once per test JVM with the demo bundle: generated tiles
 * (9 classes × 2, one center) ingested from their folder with the manifest; slide {@value #SLIDE},
 * a generated 1536 × 1024 pyramidal TIFF ingested as {@code pathlens ingest --slides} does it, with
 * the default 1024-px thumbnail; and one tile whose caption is markup, on slide {@code XSS-1} (no
 * slide record). A test class asks for it as a parameter of its {@code @BeforeAll} method, with
 * {@code @ExtendWith(ServedIndex.Resolver.class)}, and starts the servers it needs over it; the
 * index is deleted when the test run ends.
 */
public final class ServedIndex implements AutoCloseable {

  public static final String SLIDE = "S-1";
  public static final String TOKEN = "s3cret-token";

  /**
   * The markup-captioned tile's id: a relative path, as tile folders ingested without a manifest
   * name tiles.
   */
  public static final String MARKUP_TILE = "xss/tile #1.png";

  public static final String SCRIPT_CAPTION =
      "<script>window.__pwned = true</script><b>not bold</b>";

  private final Path dir;
  private final List<ManifestRow> manifest;
  private LocalCluster cluster;
  private IndexLocation clusterIndex;

  private ServedIndex(Path dir, List<ManifestRow> manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  private static ServedIndex build() throws IOException {
    Path dir = Files.createTempDirectory("pathlens-served-index-");
    Path manifestFile =
        SyntheticTiles.write(dir.resolve("tiles"), new SyntheticTiles.Options(2, 1, 5, 224, 2))
            .manifest();
    List<ManifestRow> manifest = ManifestRow.read(manifestFile);
    manifestFile = withLabelCodes(manifestFile, manifest);
    Path slide =
        SyntheticSlide.write(
                dir.resolve("slides/" + SLIDE + ".tiff"),
                new SyntheticSlide.Options(
                    1536, 1024, "center-a", 5, 7, PyramidTiffWriter.Compression.JPEG, 2))
            .slide();
    try (VisionLanguageModel model =
            VisionLanguageModel.load(
                Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
        TileIndex index =
            TileIndex.open(
                dir.resolve("index"), IndexProvenance.of(model), IndexSettings.defaults())) {
      ingest(dir, manifestFile, manifest, slide, model, index);
    }
    return new ServedIndex(dir, manifest);
  }

  /** The manifest ingested: the generator's, with a column of its own. */
  static final String CODED_MANIFEST = "manifest-coded.csv";

  /**
   * The generator's manifest with one more column, {@code label_code} (the class's number in
   * alphabetical order, as NCT-CRC-HE-100K numbers its classes): a lab's own column, which the API
   * and the UI must carry like the built-in ones.
   */
  private static Path withLabelCodes(Path manifestFile, List<ManifestRow> rows) throws IOException {
    List<String> labels = rows.stream().map(ManifestRow::label).distinct().sorted().toList();
    List<String> lines = Files.readAllLines(manifestFile);
    List<String> coded = new ArrayList<>();
    coded.add(lines.getFirst() + ",label_code");
    for (int i = 0; i < rows.size(); i++) {
      coded.add(lines.get(i + 1) + "," + labels.indexOf(rows.get(i).label()));
    }
    Path out = manifestFile.resolveSibling(CODED_MANIFEST);
    Files.write(out, coded);
    return out;
  }

  /**
   * The index's content, into either backend: the tile folder with its manifest, the slide, and the
   * markup-captioned tile.
   */
  private static void ingest(
      Path dir,
      Path manifestFile,
      List<ManifestRow> manifest,
      Path slide,
      VisionLanguageModel model,
      TileIndex index)
      throws IOException {
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    new TileFolderIngest(model.images(), decoder, 16, 2)
        .ingest(dir.resolve("tiles"), manifestFile, index, IngestListener.NONE);
    new SlideIngest(
            model.images(),
            TilingOptions.defaults(),
            TissueDetector.defaults(),
            16,
            2,
            SlideIngest.DEFAULT_THUMBNAIL_SIZE)
        .ingest(List.of(slide), index, IngestListener.NONE);
    // A tumour tile again, captioned with markup: the UI must show the caption as text, never run
    // it.
    ManifestRow tumour = manifest.stream().filter(r -> r.label().equals("TUM")).toList().getLast();
    Path file = dir.resolve("tiles").resolve(tumour.path()).toAbsolutePath();
    index.add(
        List.of(
            new TileRecord(
                MARKUP_TILE,
                "XSS-1",
                "P-x",
                "xss-site",
                "HE",
                "scanner-x",
                "TUM",
                SCRIPT_CAPTION,
                null,
                null,
                0.5,
                file.toString(),
                Map.of())),
        List.of(model.images().encode(decoder.decode(file))));
  }

  /**
   * The same content on a real two-node OpenSearch cluster (k-NN plugin), started and ingested the
   * first time a test asks for it, stopped when the run ends: what the API tests run on to show
   * that a server over a cluster answers as one over the embedded index.
   */
  public synchronized IndexLocation onCluster() throws IOException {
    if (clusterIndex == null) {
      cluster =
          LocalCluster.start(
              dir.resolve("cluster"), 2, 0, LocalCluster.DEFAULT_HEAP, Duration.ofMinutes(3));
      IndexLocation location = IndexLocation.parse(cluster.endpoint() + "/served");
      try (VisionLanguageModel model =
              VisionLanguageModel.load(
                  Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
          TileIndex index =
              TileIndex.open(location, IndexProvenance.of(model), IndexSettings.defaults())) {
        ingest(
            dir,
            dir.resolve("tiles").resolve(CODED_MANIFEST),
            manifest,
            dir.resolve("slides/" + SLIDE + ".tiff"),
            model,
            index);
      }
      clusterIndex = location;
    }
    return clusterIndex;
  }

  /** Starts a server over the index on a free port of 127.0.0.1. */
  public PathLensServer start(
      String token, long maxUploadBytes, long maxPixels, int inferenceThreads, int inferenceQueue)
      throws IOException {
    return start(
        IndexLocation.of(indexDir()),
        token,
        maxUploadBytes,
        maxPixels,
        inferenceThreads,
        inferenceQueue);
  }

  /**
   * As {@link #start(String, long, long, int, int)}, without a token and with a decode-memory
   * budget of {@code decodeMemoryBytes}.
   */
  public PathLensServer startWithDecodeMemory(
      long decodeMemoryBytes, long maxPixels, int inferenceThreads, int inferenceQueue)
      throws IOException {
    return PathLensServer.start(
        new ServerConfig(
            IndexLocation.of(indexDir()),
            Fixtures.demoBundle(),
            null,
            "127.0.0.1",
            0,
            null,
            8 << 20,
            maxPixels,
            decodeMemoryBytes,
            inferenceThreads,
            inferenceQueue,
            null,
            EncoderOptions.defaults().withThreads(2)));
  }

  /** As {@link #start(String, long, long, int, int)}, over the index at {@code location}. */
  public PathLensServer start(
      IndexLocation location,
      String token,
      long maxUploadBytes,
      long maxPixels,
      int inferenceThreads,
      int inferenceQueue)
      throws IOException {
    return PathLensServer.start(
        new ServerConfig(
            location,
            Fixtures.demoBundle(),
            null,
            "127.0.0.1",
            0,
            token,
            maxUploadBytes,
            maxPixels,
            inferenceThreads,
            inferenceQueue,
            null,
            EncoderOptions.defaults().withThreads(2)));
  }

  public Path indexDir() {
    return dir.resolve("index");
  }

  /** The generated tile folder; {@link #manifest()} paths are relative to it. */
  public Path tiles() {
    return dir.resolve("tiles");
  }

  public List<ManifestRow> manifest() {
    return manifest;
  }

  /** The first tile of class {@code label} in the manifest. */
  public ManifestRow first(String label) {
    return manifest.stream().filter(r -> r.label().equals(label)).findFirst().orElseThrow();
  }

  @Override
  public void close() throws IOException {
    if (cluster != null) {
      cluster.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Hands test classes the one {@link ServedIndex} of the run, building it for the first that asks.
   */
  public static final class Resolver implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == ServedIndex.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      // The root store lives for the whole run and closes the index (AutoCloseable) when it ends.
      return context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .getOrComputeIfAbsent(
              ServedIndex.class,
              key -> {
                try {
                  return build();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              ServedIndex.class);
    }
  }
}
