package org.pathlens.cli;

import java.util.Locale;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How {@code eval run}, {@code eval compare} and {@code eval table} run the encoders of their
 * configs: on the CPU unless told otherwise, since the configs' expected values are recorded there
 * and a GPU's kernels may move the last digits of an embedding.
 */
final class EvalOptions {

  @Option(
      names = "--device",
      paramLabel = "cpu|gpu|auto",
      description =
          "Where the encoders run (default: ${DEFAULT-VALUE}, where the configs' expected values"
              + " are recorded).")
  String device = "cpu";

  @Mixin ThreadsOption threads;

  EncoderOptions toEncoderOptions() {
    DeviceChoice choice =
        switch (device.toLowerCase(Locale.ROOT)) {
          case "cpu" -> DeviceChoice.CPU;
          case "gpu", "cuda" -> DeviceChoice.GPU;
          case "auto" -> DeviceChoice.AUTO;
          default ->
              throw new IllegalArgumentException(
                  "--device: \"" + device + "\" is not cpu, gpu or auto");
        };
    return new EncoderOptions(choice, false, EncoderOptions.DEFAULT_BATCH_SIZE, threads.threads);
  }
}
