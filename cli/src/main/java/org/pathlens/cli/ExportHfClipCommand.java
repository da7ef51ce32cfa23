package org.pathlens.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pathlens export hf-clip}: PLIP and any Hugging Face CLIPModel directory. */
@Command(
    name = "hf-clip",
    mixinStandardHelpOptions = true,
    header = "Export a Hugging Face CLIP model directory, such as PLIP.",
    description =
        "Export a Hugging Face CLIPModel directory (PLIP: vinid/plip) holding config.json, the"
            + " weights, vocab.json, merges.txt and preprocessor_config.json. Needs transformers in"
            + " your Python.",
    footer = {"%nExample:", "  ./pathlens export hf-clip --model-dir plip/ --out plip-bundle"})
final class ExportHfClipCommand implements Callable<Integer> {

  @Option(
      names = "--model-dir",
      required = true,
      paramLabel = "DIR",
      description = "The downloaded model directory.")
  Path modelDir;

  @Mixin ExportOptions export;

  @Override
  public Integer call() {
    return export.run("hf-clip", List.of("--model-dir", modelDir.toString()));
  }
}
