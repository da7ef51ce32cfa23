package org.pathlens.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.encoders.bundle.ImageFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pathlens export conch}: CONCH v1 (Lu et al. 2024), CC BY-NC-ND 4.0. */
@Command(
    name = "conch",
    mixinStandardHelpOptions = true,
    header = "Export CONCH v1 from its checkpoint.",
    description =
        "Export CONCH v1 (MahmoodLab/CONCH pytorch_model.bin; gated, non-commercial licence) with"
            + " its own code: 448 px bicubic, OpenAI mean/std, 127 token ids + <pad>, attentional"
            + " pooler + proj_contrast. Needs the conch package (and transformers + tokenizers) in"
            + " your Python.",
    footer = {
      "%nExamples:",
      "  ./pathlens export conch --checkpoint pytorch_model.bin --out conch",
      "  ./pathlens export conch --checkpoint pytorch_model.bin \\",
      "      --image-feature pre-projection --out conch-pre-projection"
    })
final class ExportConchCommand implements Callable<Integer> {

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "CONCH's pytorch_model.bin.")
  Path checkpoint;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A CoCa model config JSON instead of CONCH's conch_ViT-B-16.json.")
  Path config;

  @Option(
      names = "--image-feature",
      paramLabel = "projected|pre-projection",
      converter = Spellings.ImageFeatures.class,
      description =
          "projected (default): image embeddings in the text space, for search and zero-shot;"
              + " pre-projection: the attentional pooler's output before proj_contrast, which"
              + " CONCH's README advises for linear probes and MIL (text cannot be compared with"
              + " it; recorded in model.json).")
  ImageFeature imageFeature = ImageFeature.PROJECTED;

  @Mixin ExportOptions export;

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>(List.of("--checkpoint", checkpoint.toString()));
    if (config != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    args.addAll(List.of("--image-feature", imageFeature.value()));
    return export.run("conch", args);
  }
}
