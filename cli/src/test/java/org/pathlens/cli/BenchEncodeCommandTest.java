package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.TorchRuntime;

/**
 * {@code pathlens bench encode} as a user runs it: the preprocessing and encoding tables, with the
 * command that reproduces them, and the one-line refusal of {@code --fp16} without a GPU.
 */
class BenchEncodeCommandTest {

  @Test
  void printsBothTablesAndTheCommand() {
    CliRun run =
        CliRun.of(
            "bench",
            "encode",
            "--tile-count",
            "8",
            "--sizes",
            "224",
            "--preprocess-threads",
            "1",
            "--batches",
            "1,4");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out()
            .contains(
                "command: ./pathlens bench encode --model fixtures/demo-bundle --tile-count 8 --sizes"
                    + " 224 --preprocess-threads 1 --batches 1,4"),
        run.out());
    List<String> rows =
        run.outLines().stream().filter(l -> l.matches("(1|4) +[0-9.]+ +[0-9.]+ +[0-9]+")).toList();
    assertEquals(2, rows.size(), run.out());
    assertTrue(run.out().contains("224 px   1 "), run.out());
  }

  @Test
  void fp16WithoutAGpuIsAOneLineError() {
    assumeTrue(TorchRuntime.engine(0).getGpuCount() == 0, "this machine has a GPU");
    CliRun run = CliRun.of("bench", "encode", "--fp16", "--tile-count", "8", "--sizes", "224");
    assertEquals(2, run.exitCode(), run.out());
    assertEquals(
        List.of("pathlens bench encode: --fp16: libtorch sees no GPU"), run.err().lines().toList());
  }
}
