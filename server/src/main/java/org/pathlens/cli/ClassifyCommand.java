package org.pathlens.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.pathlens.encoders.ImageFileEmbedder;
import org.pathlens.encoders.ImageFiles;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.ZeroShotClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pathlens classify}: zero-shot class probabilities per tile with a prompt set. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = {
      "Classify tiles zero-shot with a prompt set (CONCH prompt ensemble); prints one JSON line per tile:",
      "  {\"input\": \"<path>\", \"prediction\": \"<class id>\", \"probabilities\": {\"<class id>\": p, ...}}",
      "with classes in prompt-set order. Unreadable images are reported on stderr and skipped;",
      "the exit code is 1 if nothing was classified."
    })
final class ClassifyCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ModelOptions model;

  @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Prompt set JSON (e.g. prompts/sets/crc-nct9.json).")
  Path promptsFile;

  @Option(
      names = "--images",
      required = true,
      arity = "1..*",
      paramLabel = "PATH",
      description = "Image files or directories (searched recursively for png, jpg, tif, bmp, gif).")
  List<Path> images;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Keep class embeddings here, per (bundle, prompt set) content hash (default: $PATHLENS_CACHE,"
          + " $XDG_CACHE_HOME/pathlens or ~/.cache/pathlens).")
  Path cacheDir;

  @Option(names = "--no-cache", description = "Encode the prompts afresh and write no cache file.")
  boolean noCache;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description = "Refuse images with more pixels than this, before decoding them (default: ${DEFAULT-VALUE}).")
  long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;

  @Override
  public Integer call() throws Exception {
    PromptSet prompts = PromptSetReader.read(promptsFile);
    ClassEmbeddingCache cache = noCache
        ? ClassEmbeddingCache.inMemory()
        : ClassEmbeddingCache.inDirectory(cacheDir != null ? cacheDir : ClassEmbeddingCache.defaultDirectory());
    PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
    AtomicInteger classified = new AtomicInteger();
    try (VisionLanguageModel vlm = VisionLanguageModel.load(model.bundle, model.toEncoderOptions())) {
      ZeroShotClassifier classifier = cache.classifier(vlm, prompts);
      List<Path> files = ImageFiles.expand(images);
      try (ImageFileEmbedder embedder = new ImageFileEmbedder(vlm.images(), new ImageDecoder(maxPixels), model.batchSize, 2)) {
        embedder.embed(
            files,
            done -> {
              print(out, done.file().toString(), classifier.classify(done.embedding()));
              classified.incrementAndGet();
            },
            skipped -> System.err.println("pathlens classify: skipped " + skipped.reason()));
      }
    } finally {
      out.flush();
    }
    if (classified.get() == 0) {
      System.err.println("pathlens classify: nothing could be classified");
      return 1;
    }
    return 0;
  }

  private static void print(PrintWriter out, String input, ClassProbabilities result) {
    ObjectNode line = JSON.createObjectNode();
    line.put("input", input);
    line.put("prediction", result.prediction());
    ObjectNode probabilities = line.putObject("probabilities");
    for (int c = 0; c < result.classIds().size(); c++) {
      probabilities.put(result.classIds().get(c), result.probabilities()[c]);
    }
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
