package org.pathlens.cli;

import java.nio.file.Path;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every command that loads a model bundle of the user's shares: the bundle, and how its
 * encoders run.
 */
final class ModelOptions {

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "Model bundle directory (model.json, image_encoder.pt, text_encoder.pt, tokenizer.json).")
  Path bundle;

  @Mixin BatchOption batch;

  @Option(
      names = "--device",
      paramLabel = "auto|cpu|gpu",
      converter = Spellings.Device.class,
      description = "Where inference runs (default: auto: a GPU when libtorch sees one).")
  DeviceChoice device = DeviceChoice.AUTO;

  @Option(
      names = "--fp16",
      description = "Feed float16 images to a bundle exported in half precision (GPU only).")
  boolean fp16;

  @Mixin ThreadsOption threads;

  int batchSize() {
    return batch.batchSize;
  }

  EncoderOptions toEncoderOptions() {
    return new EncoderOptions(device, fp16, batch.batchSize, threads.threads);
  }
}
