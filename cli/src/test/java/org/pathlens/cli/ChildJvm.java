package org.pathlens.cli;

import java.util.List;

/**
 * {@code pathlens ARGS} in a JVM of its own, started with the flags {@code ./pathlens} gives it
 * ({@link org.pathlens.testkit.ChildJvm}).
 */
final class ChildJvm {

  private ChildJvm() {}

  /**
   * A process builder for the command line in a fresh JVM on this test's class path.
   *
   * @param jvmFlags extra JVM flags (system properties), before the class path
   */
  static ProcessBuilder of(List<String> jvmFlags, List<String> args) {
    return org.pathlens.testkit.ChildJvm.of("1g", jvmFlags, PathLens.class, args);
  }
}
