package org.pathlens.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.pathlens.encoders.ImageFiles;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.PromptEmbeddings;
import org.pathlens.prompts.PromptScreening;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.slides.IndexClassifier;
import org.pathlens.prompts.slides.QuPathObjectType;
import org.pathlens.prompts.slides.SlideClassification;
import org.pathlens.prompts.slides.SlidePooling;
import org.pathlens.prompts.slides.TileClassification;
import org.pathlens.prompts.slides.ZeroShotGeoJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens classify}: zero-shot class probabilities per tile with a prompt set. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    header = "Classify tiles or slides zero-shot with a prompt set.",
    description = {
      "Classify tiles zero-shot with a prompt set (CONCH prompt ensemble), from image files or from the",
      "embeddings stored in a tile index; prints one JSON line per tile:",
      "  {\"input\": \"<path>\", \"prediction\": \"<class id>\", \"probabilities\": {\"<class id>\": p, ...}}",
      "with classes in prompt-set order, or with --index DIR --per-slide one line per slide.",
      "Unreadable images are reported on stderr and skipped;",
      "the exit code is 1 if nothing was classified."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens classify --model fixtures/demo-bundle --prompts demo-crc9 \\",
      "      --images fixtures/golden/zeroshot/tiles",
      "  ./pathlens classify --model fixtures/demo-bundle --prompts demo-crc9 \\",
      "      --index /tmp/pl/idx --filter \"slide_id:slide\" --per-slide \\",
      "      --geojson /tmp/pl/geojson"
    })
final class ClassifyCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ModelOptions model;

  @Mixin StainCliOptions stain;

  @Mixin ClassifierChoiceOption choice;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  /** Tiles come from image files, or from an index's stored embeddings. */
  static final class Inputs {
    @Option(
        names = "--images",
        required = true,
        arity = "1..*",
        paramLabel = "PATH",
        description =
            "Image files or directories (searched recursively for png, jpg, tif, bmp, gif).")
    List<Path> images;

    // Not IndexOption: picocli takes no mixin in an argument group.
    @Option(
        names = "--index",
        required = true,
        paramLabel = "DIR|URL",
        description =
            "A tile index built with this bundle: classify its stored embeddings (one line per tile,"
                + " \"input\" being the tile id, in id order), or its slides with --per-slide. "
                + IndexLocation.HELP)
    IndexLocation index;
  }

  @Mixin FilterOption filter; // with --index

  @Mixin RegionClassOption regionClass; // with --index

  @Mixin AllowPartialOption partial; // with --index

  @Option(
      names = "--per-slide",
      description = {
        "With --index: one line per slide, in slide id order:",
        "  {\"slide_id\": ..., \"prediction\": ..., \"probabilities\": {...}, \"tiles\": n, \"pooling\": \"topk:K\"}",
        "per class, the mean of the slide's K highest tile cosines (MI-Zero/CONCH); probabilities are",
        "softmax(logit_scale x pooled)."
      })
  boolean perSlide;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      description =
          "With --per-slide: pool the K most similar tiles per class"
              + " (default: 5 %% of the slide's tiles, at least 5, at most 100).")
  Integer topK;

  @Option(
      names = "--pooling",
      paramLabel = "auto|mean",
      description =
          "With --per-slide: auto (top-K, K from the tile"
              + " count, the default) or mean (every tile).")
  Pooling pooling;

  /** How --per-slide pools a slide's tiles, besides --top-k K. */
  enum Pooling {
    /** Top-K with K from the slide's tile count ({@link SlidePooling#DEFAULT}). */
    AUTO,
    /** Every tile. */
    MEAN
  }

  @Option(
      names = "--geojson",
      paramLabel = "DIR",
      description =
          "With --per-slide: also write each slide's tiles, classified, as <slide_id>.geojson in DIR"
              + " for QuPath (File > Import objects): a polygon per tile in level-0 pixels, the"
              + " predicted class as its classification, the class probabilities as measurements."
              + " A slide id that is no plain file name (or equals another ignoring case) gets a"
              + " short hash of the id appended, said on stderr.")
  Path geojson;

  @Option(
      names = "--object-type",
      paramLabel = "tile|detection|annotation",
      description =
          "With --geojson: what QuPath makes of each tile: tile objects (the default), detections"
              + " or annotations (editable by hand).")
  QuPathObjectType objectType;

  @Option(
      names = "--screen-prompts",
      arity = "0..1",
      fallbackValue = "0.5",
      paramLabel = "SHARE",
      description =
          "Screen the prompt set's variants (class name x template) on the tiles being classified,"
              + " without their labels, then classify them: each variant is scored by the mean"
              + " confidence margin p(1st) - p(2nd) it gives the tiles (after KEEP's prompt"
              + " selection) and the top SHARE of each class's variants are averaged (default"
              + " SHARE: 0.5). The kept prompts and their scores go to stderr. Off by default: on"
              + " the demo data it did not beat the full ensemble (docs/zero-shot.md).")
  Double screenPrompts;

  @Mixin CacheOption cache;

  @Option(names = "--no-cache", description = "Encode the prompts afresh and write no cache file.")
  boolean noCache;

  @Mixin MaxPixelsOption maxPixels;

  @Override
  public Integer call() throws Exception {
    if (inputs.index == null
        && (filter.given() || perSlide || partial.allow || regionClass.given())) {
      throw new IllegalArgumentException(
          "--filter, --region-class, --per-slide and --allow-partial work with --index only");
    }
    if (geojson != null && regionClass.given()) {
      throw new IllegalArgumentException(
          "--geojson writes every tile of each slide, not only those of --region-class: run the"
              + " two apart");
    }
    if (!perSlide && geojson != null) {
      throw new IllegalArgumentException("--geojson writes slides: add --per-slide (and --index)");
    }
    if (geojson == null && objectType != null) {
      throw new IllegalArgumentException(
          "--object-type says what --geojson writes: add --geojson DIR (and --per-slide)");
    }
    if (!perSlide && (topK != null || pooling != null)) {
      throw new IllegalArgumentException(
          "--top-k and --pooling choose how --per-slide pools tiles; add --per-slide");
    }
    choice.check();
    if (choice.saved != null && inputs.index == null) {
      throw new IllegalArgumentException(
          "--classifier names a classifier saved with an index: classify that index's tiles"
              + " (--index DIR|URL), or use --prompts for --images");
    }
    if (screenPrompts != null && !(screenPrompts > 0 && screenPrompts <= 1)) {
      throw new IllegalArgumentException(
          "--screen-prompts SHARE is the share of each class's prompt variants kept, in (0, 1];"
              + " got "
              + screenPrompts);
    }
    if (screenPrompts != null && choice.saved != null) {
      throw new IllegalArgumentException(
          "--screen-prompts screens a prompt set's variants; a saved --classifier has none: drop"
              + " one of the two");
    }
    SlidePooling slidePooling = slidePooling();
    choice.promptSet(); // a bad prompt set fails before the model loads
    ClassEmbeddingCache classEmbeddings =
        noCache
            ? ClassEmbeddingCache.inMemory()
            : ClassEmbeddingCache.inDirectory(cache.directory());
    PrintWriter out = spec.commandLine().getOut(); // JSON lines, flushed below
    int classified;
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(model.bundle, model.toEncoderOptions())) {
      classified =
          inputs.index != null
              ? classifyIndex(out, vlm, classEmbeddings, slidePooling)
              : classifyImages(out, vlm, classEmbeddings);
    } finally {
      out.flush();
    }
    if (classified == 0) {
      spec.commandLine().getErr().println("pathlens classify: nothing could be classified");
      return 1;
    }
    return 0;
  }

  private int classifyIndex(
      PrintWriter out,
      VisionLanguageModel vlm,
      ClassEmbeddingCache classEmbeddings,
      SlidePooling slidePooling)
      throws IOException {
    if (!stain.toStainOptions(maxPixels.decoder()).isNone()) {
      throw new IllegalArgumentException(
          "--stain-norm and --tta go with --images: an index's tiles were embedded"
              + " (and normalised) when they were ingested");
    }
    try (TileIndex opened =
        TileIndex.openForSearch(inputs.index, IndexProvenance.of(vlm), IndexSettings.defaults())) {
      TileIndex index = partial.reading(opened);
      TileFilter tiles = regionClass.restrict(filter.parse(), index);
      ScaledClassifier classifier =
          screenPrompts == null
              ? choice.classifier(index, vlm, classEmbeddings)
              : screen(vlm, choice.promptSet(), embeddings(index, tiles));
      if (classifier == null) {
        return 0;
      }
      int classified;
      if (perSlide) {
        List<SlideClassification> results =
            IndexClassifier.slides(index, tiles, classifier, slidePooling);
        results.forEach(slide -> printSlide(out, slide));
        if (geojson != null) {
          writeGeoJson(index, classifier, results);
        }
        classified = results.size();
      } else {
        List<TileClassification> results = IndexClassifier.tiles(index, tiles, classifier);
        results.forEach(tile -> print(out, tile.tile().id(), tile.result()));
        classified = results.size();
      }
      out.flush(); // the results before the line that says they are partial
      partial.report(spec);
      return classified;
    }
  }

  /**
   * One GeoJSON file per slide in {@link #geojson} ({@link GeoJsonFileNames}: no two slides share
   * one), each named on stderr, with its slide where the name carries a hash.
   */
  private void writeGeoJson(
      TileIndex index, ScaledClassifier classifier, List<SlideClassification> results)
      throws IOException {
    Map<String, GeoJsonFileNames.FileName> names =
        GeoJsonFileNames.of(results.stream().map(SlideClassification::slideId).toList());
    QuPathObjectType type = objectType == null ? QuPathObjectType.TILE : objectType;
    Files.createDirectories(geojson);
    for (SlideClassification slide : results) {
      GeoJsonFileNames.FileName name = names.get(slide.slideId());
      Path file = geojson.resolve(name.name());
      Files.writeString(
          file, ZeroShotGeoJson.of(index, slide.slideId(), classifier, type).toString());
      spec.commandLine()
          .getErr()
          .println(
              "pathlens classify: wrote "
                  + file
                  + (name.hashed()
                      ? " (slide '"
                          + slide.slideId()
                          + "': "
                          + name.whyHashed()
                          + ", so a hash of it is appended)"
                      : ""));
    }
  }

  /** The prompt set screened on {@code tiles}, what was kept said on stderr. */
  private ScaledClassifier screen(VisionLanguageModel vlm, PromptSet set, List<float[]> tiles) {
    if (tiles.isEmpty()) {
      return null; // nothing to classify: call() says so
    }
    PromptScreening screening =
        PromptScreening.screen(
            PromptEmbeddings.encode(set, vlm.texts()), tiles, vlm.logitScale(), screenPrompts);
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "pathlens classify: prompts screened without labels on the tiles classified (mean p(1st)"
            + " - p(2nd)):");
    screening.report().forEach(line -> err.println("pathlens classify:   " + line));
    return screening.classifier(vlm.logitScale());
  }

  /** The stored embeddings of the tiles passing {@code filter}, in tile id order. */
  private static List<float[]> embeddings(TileIndex index, TileFilter filter) throws IOException {
    TreeMap<String, float[]> byId = new TreeMap<>();
    index.forEachTile(filter, tile -> byId.put(tile.record().id(), tile.embedding()));
    return List.copyOf(byId.values());
  }

  private int classifyImages(
      PrintWriter out, VisionLanguageModel vlm, ClassEmbeddingCache classEmbeddings)
      throws IOException {
    List<Path> files = ImageFiles.expand(inputs.images);
    if (screenPrompts != null) {
      // Screening needs every tile's embedding before the first is classified.
      List<Path> embeddedFiles = new ArrayList<>();
      List<float[]> embeddings = new ArrayList<>();
      stain.embedFiles(
          vlm,
          files,
          maxPixels.decoder(),
          model.batchSize(),
          "classify",
          spec.commandLine().getErr(),
          done -> {
            embeddedFiles.add(done.file());
            embeddings.add(done.embedding());
          });
      ScaledClassifier classifier = screen(vlm, choice.promptSet(), embeddings);
      for (int i = 0; i < embeddings.size(); i++) {
        print(out, embeddedFiles.get(i).toString(), classifier.classify(embeddings.get(i)));
      }
      return embeddings.size();
    }
    ScaledClassifier classifier = choice.classifier(null, vlm, classEmbeddings);
    AtomicInteger classified = new AtomicInteger();
    stain.embedFiles(
        vlm,
        files,
        maxPixels.decoder(),
        model.batchSize(),
        "classify",
        spec.commandLine().getErr(),
        done -> {
          print(out, done.file().toString(), classifier.classify(done.embedding()));
          classified.incrementAndGet();
        });
    return classified.get();
  }

  private SlidePooling slidePooling() {
    if (topK != null && pooling != null) {
      throw new IllegalArgumentException("give --top-k K or --pooling, not both");
    }
    if (topK != null) {
      return new SlidePooling.TopK(topK);
    }
    return pooling == null
        ? SlidePooling.DEFAULT
        : switch (pooling) {
          case AUTO -> SlidePooling.DEFAULT;
          case MEAN -> new SlidePooling.Mean();
        };
  }

  private static void printSlide(PrintWriter out, SlideClassification slide) {
    ObjectNode line = JSON.createObjectNode();
    line.put("slide_id", slide.slideId());
    line.put("prediction", slide.result().prediction());
    putProbabilities(line, slide.result());
    line.put("tiles", slide.tiles());
    line.put("pooling", slide.pooling());
    println(out, line);
  }

  private static void print(PrintWriter out, String input, ClassProbabilities result) {
    ObjectNode line = JSON.createObjectNode();
    line.put("input", input);
    line.put("prediction", result.prediction());
    putProbabilities(line, result);
    println(out, line);
  }

  private static void putProbabilities(ObjectNode line, ClassProbabilities result) {
    ObjectNode probabilities = line.putObject("probabilities");
    for (int c = 0; c < result.classIds().size(); c++) {
      probabilities.put(result.classIds().get(c), result.probabilities()[c]);
    }
  }

  private static void println(PrintWriter out, ObjectNode line) {
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
