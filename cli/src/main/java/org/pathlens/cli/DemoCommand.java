package org.pathlens.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pathlens.bench.WorkFolders;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.ImageFileEmbedder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.ExactSearch;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileIndex;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.index.ingest.TileManifest;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.ZeroShotClassifier;
import org.pathlens.server.ServerConfig;
import org.pathlens.slides.SlideMppRule;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pathlens demo}: generates synthetic tiles from five simulated centers, embeds them with
 * the demo bundle, answers a few text queries and classifies every tile zero-shot.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Try search and zero-shot on synthetic data, then the web UI.",
    description = {
      "Generate synthetic H&E tiles, embed them with the demo bundle, show text-to-image search",
      "and zero-shot accuracy per center. Needs no download."
    },
    footer = {"%nExamples:", "  ./pathlens demo", "  ./pathlens demo --no-serve"})
final class DemoCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  static final List<String> QUERIES =
      List.of(
          "crowded atypical glands of adenocarcinoma",
          "dense sheets of small round lymphocytes",
          "large empty fat cells",
          "pale extracellular mucin",
          "parallel bundles of smooth muscle");

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Working folder (default: work/demo under the PathLens folder).")
  Path work;

  @Option(
      names = "--per-class",
      paramLabel = "N",
      description = "Tiles per class per center (default: ${DEFAULT-VALUE}).")
  int perClass = 6;

  @Option(
      names = "--seed",
      description =
          "Generator seed; the demo model was trained on seed 1 (default: ${DEFAULT-VALUE}).")
  long seed = 2026;

  @Mixin DemoOptions demo;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "Port of the web UI (default: ${DEFAULT-VALUE}).")
  int port = 7070;

  @Option(
      names = "--no-serve",
      description = "Print the summary and exit instead of indexing and serving the web UI.")
  boolean noServe;

  private Path model;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = work != null ? work : Fixtures.root().resolve("work").resolve("demo");
    Path tiles = dir.resolve("tiles-seed" + seed + "-n" + perClass);
    Path manifest = tiles.resolve("manifest.csv");
    if (!Files.isRegularFile(manifest)) {
      var summary = SyntheticTiles.write(tiles, perClass, 5, seed);
      out.printf(
          Locale.ROOT,
          "Generated %d synthetic tiles from 5 centers in %s (%.1f s)%n",
          summary.tiles(),
          tiles,
          summary.elapsed().toMillis() / 1000.0);
    } else {
      out.println("Reusing synthetic tiles in " + tiles);
    }
    List<TileManifest.Entry> rows = TileManifest.read(manifest, tiles); // as ingest reads it
    Map<String, TileManifest.Entry> byId = new HashMap<>();
    rows.forEach(r -> byId.put(r.tile().id(), r));

    model = demo.model.orDemoBundle();
    PromptSet prompts = PromptSetReader.resolve(demo.prompts);
    try (VisionLanguageModel vlm = VisionLanguageModel.load(model, EncoderOptions.defaults())) {
      out.printf(
          Locale.ROOT,
          "Model %s (%s) on %s%n%n",
          vlm.bundle().config().name(),
          vlm.bundle().shortHash(),
          vlm.device());
      ExactSearch search = new ExactSearch();
      Map<String, float[]> embeddings = new HashMap<>();
      long start = System.nanoTime();
      List<Path> files = rows.stream().map(r -> tiles.resolve(r.path())).toList();
      Map<Path, String> idOf = new HashMap<>();
      rows.forEach(r -> idOf.put(tiles.resolve(r.path()), r.tile().id()));
      try (ImageFileEmbedder embedder =
          new ImageFileEmbedder(
              vlm.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 32, 1)) {
        embedder.embed(
            files,
            done -> {
              String id = idOf.get(done.file());
              search.add(id, done.embedding());
              embeddings.put(id, done.embedding());
            },
            ImageFileEmbedder.failOnNonFinite(
                skipped -> err.println("skipped " + skipped.reason())));
      }
      out.printf(
          Locale.ROOT,
          "Embedded %d tiles in %.1f s%n%n",
          search.size(),
          (System.nanoTime() - start) / 1e9);
      out.println("Text-to-image search (cosine, true label, center, tile under " + tiles + ")");

      for (String query : QUERIES) {
        out.println("Query: \"" + query + "\"");
        for (SearchHit hit : search.search(vlm.texts().encode(query), 5)) {
          TileManifest.Entry row = byId.get(hit.id());
          out.printf(
              Locale.ROOT,
              "  %6.3f  %-5s %-9s %s%n",
              hit.score(),
              row.tile().label(),
              row.tile().site(),
              row.path());
        }
      }

      ZeroShotClassifier classifier =
          ZeroShotClassifier.build(prompts, vlm.texts(), vlm.logitScale());
      // Per center, by the evaluation's own code: the numbers `eval zeroshot` would report.
      List<LabelledTiles.Tile> labelled = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      for (TileManifest.Entry row : rows) {
        float[] embedding = embeddings.get(row.tile().id());
        if (embedding != null) {
          labelled.add(
              new LabelledTiles.Tile(
                  tiles.resolve(row.path()),
                  row.tile().label(),
                  row.tile().slideId(),
                  row.tile().site()));
          vectors.add(embedding);
        }
      }
      SortedMap<String, Predictions> perSite =
          new EmbeddedTiles(labelled, vectors)
              .predict(classifier)
              .split(labelled.stream().map(LabelledTiles.Tile::site).toList());
      TrainingData training = TrainingData.of(vlm);
      out.printf(
          Locale.ROOT,
          "%nZero-shot classification with prompt set %s (%d classes x %d synonyms x %d templates)%n",
          prompts.name(),
          prompts.classIds().size(),
          prompts.classes().values().iterator().next().size(),
          prompts.templates().size());
      boolean sameCenters = training.seed() == seed;
      if (!sameCenters) {
        out.println(
            "(seed "
                + seed
                + ": every center's stain and scanner is new to the model"
                + (training.seed() >= 0
                    ? ", which was trained on centers of seed " + training.seed()
                    : "")
                + ")");
      }
      List<String> lines = new ArrayList<>();
      perSite.forEach(
          (site, p) ->
              lines.add(
                  String.format(
                      Locale.ROOT,
                      "  %-9s accuracy %5.1f %%  (%d/%d)%s",
                      site,
                      100 * Metric.ACCURACY.of(p),
                      p.correct(),
                      p.size(),
                      !sameCenters
                          ? ""
                          : site.equals(training.heldOutCenter())
                              ? "  <- center never seen in training"
                              : "  (training tiles)")));
      lines.forEach(out::println);
      if (noServe) {
        out.println();
        out.println(
            "Next: ./pathlens demo (serves the web UI)   |   ./pathlens embed --model fixtures/demo-bundle --text \"...\"   |   ./pathlens --help");
        return 0;
      }
      out.println();
      indexForTheUi(vlm, tiles, manifest, dir);
    }
    ServerConfig config =
        new ServerConfig(
            IndexLocation.of(demoIndex(dir)),
            model,
            null,
            "127.0.0.1",
            port,
            null,
            20L * 1024 * 1024,
            ImageDecoder.DEFAULT_MAX_PIXELS,
            2,
            64,
            ClassEmbeddingCache.defaultDirectory(),
            EncoderOptions.defaults());
    return ServeCommand.serveUntilStopped(config, out, err);
  }

  /**
   * Why the finished demo index cannot be served with {@code vlm}'s engine, or null when it can.
   */
  private static String staleness(VisionLanguageModel vlm, Path index) {
    try (TileIndex existing =
        TileIndex.openForSearch(index, IndexProvenance.of(vlm), IndexSettings.defaults())) {
      return null;
    } catch (IllegalStateException | IOException e) {
      return e.getMessage();
    }
  }

  private Path demoIndex(Path dir) {
    return dir.resolve("index-seed" + seed + "-n" + perClass);
  }

  /**
   * The tiles and a generated slide of known regions in a Lucene index, for the web UI; built once
   * per seed and size (re-running an ingest would only replace the same tiles).
   */
  private void indexForTheUi(VisionLanguageModel vlm, Path tiles, Path manifest, Path dir)
      throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path index = demoIndex(dir);
    Path done = index.resolve("demo-complete");
    if (Files.isRegularFile(done)) {
      String stale = staleness(vlm, index);
      if (stale == null) {
        out.println("Reusing the demo index in " + index);
        return;
      }
      out.println("Rebuilding the demo index in " + index + ": " + stale);
      WorkFolders.delete(index);
    }
    Path slide = dir.resolve("slide-seed" + seed + ".tiff");
    if (!Files.isRegularFile(slide)) {
      SyntheticSlide.write(
          slide,
          new SyntheticSlide.Options(
              3072,
              2048,
              "center-a",
              5,
              seed,
              PyramidTiffWriter.Compression.JPEG,
              Runtime.getRuntime().availableProcessors()));
    }
    out.println("Indexing the tiles and a generated slide for the web UI in " + index);
    try (TileIndex tileIndex =
            TileIndex.open(index, IndexProvenance.of(vlm), IndexSettings.defaults());
        IngestProgress progress = IngestProgress.forConsole(spec.commandLine().getErr())) {
      ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
      new TileFolderIngest(vlm.images(), decoder, 32, 1)
          .ingest(tiles, manifest, tileIndex, progress);
      TilingOptions tiling =
          new TilingOptions(0.5, vlm.bundle().config().image().size(), 0.5, SlideMppRule.OWN);
      new SlideIngest(
              vlm.images(),
              tiling,
              TissueDetector.defaults(),
              32,
              1,
              SlideIngest.DEFAULT_THUMBNAIL_SIZE)
          .ingest(List.of(slide), tileIndex, progress);
      progress.close();
      out.println("The index holds " + tileIndex.size() + " tiles");
    }
    Files.writeString(done, "");
  }

  /** What the bundle's model.json recipe says of its training data, where it says it. */
  record TrainingData(long seed, String heldOutCenter) {

    static TrainingData of(VisionLanguageModel vlm) throws IOException {
      var root = new ObjectMapper().readTree(vlm.bundle().dir().resolve("model.json").toFile());
      String command = root.at("/recipe/data/generator_command").asText("");
      Matcher seed = Pattern.compile("--seed (\\d+)").matcher(command);
      return new TrainingData(
          seed.find() ? Long.parseLong(seed.group(1)) : -1,
          root.at("/recipe/data/held_out_center").asText(""));
    }
  }
}
