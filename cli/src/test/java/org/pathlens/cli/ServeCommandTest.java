package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;

/**
 * {@code pathlens serve}: bad arguments give one line and exit code 2 before anything is started.
 */
class ServeCommandTest {

  @TempDir Path tmp;

  @Test
  void badArgumentsAreNamed() {
    String model = Fixtures.demoBundle().toString();
    CliRun port =
        CliRun.of("serve", "--model", model, "--index", tmp.toString(), "--port", "70000");
    assertEquals(2, port.exitCode());
    assertTrue(port.err().contains("--port"), port.err());
    CliRun upload =
        CliRun.of("serve", "--model", model, "--index", tmp.toString(), "--max-upload-mb", "0");
    assertEquals(2, upload.exitCode());
    assertTrue(upload.err().contains("--max-upload-mb"), upload.err());
    CliRun token = CliRun.of("serve", "--model", model, "--index", tmp.toString(), "--token", " ");
    assertEquals(2, token.exitCode());
    assertTrue(token.err().contains("--token"), token.err());
  }
}
