package org.pathlens.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pathlens ARGS} in a JVM of its own, started with the flags {@code ./pathlens} gives it.
 */
final class ChildJvm {

  private ChildJvm() {}

  /**
   * A process builder for the command line in a fresh JVM on this test's class path.
   *
   * @param jvmFlags extra JVM flags (system properties), before the class path
   */
  static ProcessBuilder of(List<String> jvmFlags, List<String> args) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Dai.djl.offline=true",
                "-Xmx1g",
                "-Dpathlens.root=" + System.getProperty("pathlens.root", "")));
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), PathLens.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("OPT_OUT_TRACKING", "true");
    return builder;
  }
}
