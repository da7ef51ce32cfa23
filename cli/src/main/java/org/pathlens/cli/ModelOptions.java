package org.pathlens.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import picocli.CommandLine.Option;

/** The options every command that loads a model bundle shares. */
final class ModelOptions {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "Model bundle directory (model.json, image_encoder.pt, text_encoder.pt, tokenizer.json).")
  Path bundle;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Inputs per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize = EncoderOptions.DEFAULT_BATCH_SIZE;

  @Option(
      names = "--device",
      paramLabel = "auto|cpu|gpu",
      description =
          "Where inference runs (default: ${DEFAULT-VALUE}: a GPU when libtorch sees one).")
  String device = "auto";

  @Option(
      names = "--fp16",
      description = "Feed float16 images to a bundle exported in half precision (GPU only).")
  boolean fp16;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "libtorch intra-op threads (default: one per processor this process may use).")
  int threads;

  EncoderOptions toEncoderOptions() {
    DeviceChoice choice =
        switch (device.toLowerCase(Locale.ROOT)) {
          case "auto" -> DeviceChoice.AUTO;
          case "cpu" -> DeviceChoice.CPU;
          case "gpu", "cuda" -> DeviceChoice.GPU;
          default ->
              throw new IllegalArgumentException(
                  "--device must be auto, cpu or gpu, got " + device);
        };
    return new EncoderOptions(choice, fp16, batchSize, threads);
  }
}
