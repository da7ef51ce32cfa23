package org.pathlens.cli;

import picocli.CommandLine.Option;

/**
 * {@code --threads N}: libtorch's intra-op threads, the one meaning of {@code --threads} in every
 * command. Counts of other threads are named for what they count ({@code --read-threads}, {@code
 * --preprocess-threads}, {@code --workers}, {@code --inference-threads}).
 */
final class ThreadsOption {

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "libtorch intra-op threads (default: one per processor this process may use).")
  int threads;
}
