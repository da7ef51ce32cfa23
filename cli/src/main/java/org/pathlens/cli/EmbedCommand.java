package org.pathlens.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.pathlens.encoders.ImageFiles;
import org.pathlens.encoders.VisionLanguageModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens embed}: one JSON line of unit-norm embedding per image or text. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    header = "Print the embeddings of images or texts, one JSON line each.",
    description = {
      "Embed images or texts with a model bundle; prints one JSON line per input:",
      "  {\"input\": \"<path or text>\", \"embedding\": [...]} (L2-normalised).",
      "Unreadable images are reported on stderr and skipped; the exit code is 1 if nothing was embedded."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens embed --model fixtures/demo-bundle \\",
      "      --images fixtures/golden/demo-bundle/images",
      "  ./pathlens embed --model fixtures/demo-bundle \\",
      "      --text \"an H&E image of tumor epithelium.\""
    })
final class EmbedCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ModelOptions model;

  @Mixin StainCliOptions stain;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  static final class Inputs {
    @Option(
        names = "--images",
        arity = "1..*",
        paramLabel = "PATH",
        description =
            "Image files or directories (searched recursively for png, jpg, tif, bmp, gif).")
    List<Path> images;

    @Option(names = "--text", arity = "1..*", paramLabel = "TEXT", description = "Texts to embed.")
    List<String> texts;
  }

  @Mixin MaxPixelsOption maxPixels;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut(); // JSON lines, flushed below
    AtomicInteger embedded = new AtomicInteger();
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(model.bundle, model.toEncoderOptions())) {
      if (inputs.texts != null) {
        List<float[]> vectors = vlm.texts().encode(inputs.texts);
        for (int i = 0; i < vectors.size(); i++) {
          print(out, inputs.texts.get(i), vectors.get(i));
          embedded.incrementAndGet();
        }
      } else {
        List<Path> files = ImageFiles.expand(inputs.images);
        stain.embedFiles(
            vlm,
            files,
            maxPixels.decoder(),
            model.batchSize(),
            "embed",
            spec.commandLine().getErr(),
            done -> {
              print(out, done.file().toString(), done.embedding());
              embedded.incrementAndGet();
            });
      }
    } finally {
      out.flush();
    }
    if (embedded.get() == 0) {
      spec.commandLine().getErr().println("pathlens embed: nothing could be embedded");
      return 1;
    }
    return 0;
  }

  private static void print(PrintWriter out, String input, float[] embedding) {
    ObjectNode line = JSON.createObjectNode();
    line.put("input", input);
    var array = line.putArray("embedding");
    for (float v : embedding) {
      array.add(v);
    }
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
