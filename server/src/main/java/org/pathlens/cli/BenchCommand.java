package org.pathlens.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.encoders.TorchRuntime;
import org.pathlens.eval.bench.EncodeBenchmark;
import org.pathlens.fixtures.Fixtures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pathlens bench}: benchmarks that print tables and the command that made them. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks; each prints a table and the command that reproduces it.",
    subcommands = {BenchCommand.Encode.class})
final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "encode",
      mixinStandardHelpOptions = true,
      description = {
        "Preprocessing throughput (224 and 448 px inputs, per thread count) and encoding",
        "throughput of a bundle on the CPU and, when libtorch sees one, the GPU."
      })
  static final class Encode implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Model bundle (default: the demo bundle).")
    Path bundle;

    @Option(names = "--tiles", paramLabel = "N", description = "Tiles per measurement (default: ${DEFAULT-VALUE}).")
    int tiles = 256;

    @Option(names = "--sizes", split = ",", paramLabel = "PX", description = "Input tile sizes (default: 224,448).")
    List<Integer> sizes = List.of(224, 448);

    @Option(names = "--threads", split = ",", paramLabel = "N", description = "Preprocessing thread counts (default: 1 up to the core count).")
    List<Integer> threads;

    @Option(names = "--batches", split = ",", paramLabel = "N", description = "Encoder batch sizes (default: 1,8,32).")
    List<Integer> batches = List.of(1, 8, 32);

    @Option(names = "--torch-threads", paramLabel = "N", description = "libtorch intra-op threads (default: one per core).")
    int torchThreads;

    @Override
    public Integer call() throws Exception {
      Path model = bundle != null ? bundle : Fixtures.demoBundle();
      List<Integer> threadCounts = threads != null ? threads : defaultThreadCounts();
      EncoderOptions cpu = EncoderOptions.defaults().withDevice(DeviceChoice.CPU).withThreads(torchThreads);
      List<EncoderOptions> runs = new ArrayList<>(List.of(cpu));
      if (TorchRuntime.engine(torchThreads).getGpuCount() > 0) {
        runs.add(cpu.withDevice(DeviceChoice.GPU));
      }
      String command = "./pathlens bench encode --model " + model + " --tiles " + tiles
          + " --sizes " + join(sizes) + " --threads " + join(threadCounts) + " --batches " + join(batches)
          + (torchThreads > 0 ? " --torch-threads " + torchThreads : "");
      new EncodeBenchmark(new EncodeBenchmark.Options(model, tiles, sizes, threadCounts, batches, runs), System.out)
          .run(command);
      return 0;
    }

    private static List<Integer> defaultThreadCounts() {
      List<Integer> counts = new ArrayList<>();
      for (int t = 1; t <= Runtime.getRuntime().availableProcessors(); t *= 2) {
        counts.add(t);
      }
      return counts;
    }

    private static String join(List<Integer> values) {
      return String.join(",", values.stream().map(String::valueOf).toList());
    }
  }
}
