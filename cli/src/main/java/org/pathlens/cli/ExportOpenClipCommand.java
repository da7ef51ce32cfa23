package org.pathlens.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pathlens export open_clip}: QuiltNet, CLIP ViT-B and other open_clip models. */
@Command(
    name = "open_clip",
    mixinStandardHelpOptions = true,
    header = "Export an open_clip model: QuiltNet, OpenAI CLIP or BiomedCLIP.",
    description =
        "Export an open_clip model (QuiltNet-B-32/B-16, OpenAI CLIP, BiomedCLIP through its"
            + " open_clip config) from a checkpoint file. Needs open_clip_torch in your Python.",
    footer = {
      "%nExamples:",
      "  ./pathlens export open_clip --arch ViT-B-32 \\",
      "      --checkpoint open_clip_pytorch_model.bin --out quiltnet-b32",
      "  ./pathlens export open_clip --config open_clip_config.json \\",
      "      --checkpoint open_clip_pytorch_model.bin --out biomedclip"
    })
final class ExportOpenClipCommand implements Callable<Integer> {

  @Option(
      names = "--arch",
      paramLabel = "NAME",
      description = "open_clip architecture, e.g. ViT-B-32 (QuiltNet-B-32) or ViT-B-16.")
  String arch;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Model config JSON for an architecture open_clip does not ship (e.g. BiomedCLIP's"
              + " open_clip_config.json); its file name is the architecture name unless --arch.")
  Path config;

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "The weights (open_clip_pytorch_model.bin, a .pt state dict or checkpoint).")
  Path checkpoint;

  @Mixin ExportOptions export;

  @Override
  public Integer call() {
    if (arch == null && config == null) {
      throw new IllegalArgumentException("give --arch NAME or --config FILE");
    }
    List<String> args = new ArrayList<>(List.of("--checkpoint", checkpoint.toString()));
    if (arch != null) {
      args.addAll(List.of("--arch", arch));
    }
    if (config != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    return export.run("open_clip", args);
  }
}
