package org.pathlens.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A main class in a JVM of its own, started with the flags {@code ./pathlens} gives PathLens, on
 * the calling test's class path: for tests that kill a process or read what it prints.
 */
public final class ChildJvm {

  private ChildJvm() {}

  /**
   * @param heap the child's {@code -Xmx}, e.g. {@code 1g}
   * @param jvmFlags extra JVM flags (system properties), before the class path
   */
  public static ProcessBuilder of(
      String heap, List<String> jvmFlags, Class<?> main, List<String> args) {
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
                "-Xmx" + heap,
                "-Dpathlens.root=" + System.getProperty("pathlens.root", "")));
    command.addAll(jvmFlags);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("OPT_OUT_TRACKING", "true");
    return builder;
  }
}
