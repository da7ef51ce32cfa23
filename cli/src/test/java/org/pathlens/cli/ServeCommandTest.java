package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
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

  @Test
  void aBusyPortOrAForeignHostIsOneLineAndAMissingIndexIsNotCreated() throws Exception {
    String model = Fixtures.demoBundle().toString();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CliRun busy =
          CliRun.of(
              "serve",
              "--model",
              model,
              "--index",
              tmp.toString(),
              "--port",
              Integer.toString(taken.getLocalPort()));
      assertEquals(2, busy.exitCode());
      assertEquals(
          "pathlens serve: port "
              + taken.getLocalPort()
              + " on 127.0.0.1 is already in use: stop"
              + " what listens there or choose --port",
          busy.err().strip());
    }
    CliRun host =
        CliRun.of("serve", "--model", model, "--index", tmp.toString(), "--host", "999.1.1.1");
    assertEquals(2, host.exitCode());
    assertEquals(1, host.err().strip().lines().count(), host.err());
    assertTrue(host.err().startsWith("pathlens serve: --host 999.1.1.1: "), host.err());

    Path missing = tmp.resolve("no-index");
    CliRun search =
        CliRun.of("search", "--model", model, "--index", missing.toString(), "--text", "fat");
    assertEquals(2, search.exitCode(), search.err());
    assertTrue(search.err().contains("no tile index in " + missing), search.err());
    assertTrue(Files.notExists(missing), "a reader created " + missing);
  }

  @Test
  void aServerReachableBeyondThisMachineNeedsAToken() throws Exception {
    String model = Fixtures.demoBundle().toString();
    CliRun open =
        CliRun.of("serve", "--model", model, "--index", tmp.toString(), "--host", "0.0.0.0");
    assertEquals(2, open.exitCode());
    assertTrue(
        open.err()
            .startsWith("pathlens serve: --host 0.0.0.0 exposes the server beyond this machine"),
        open.err());
    CliRun shortToken =
        CliRun.of("serve", "--model", model, "--index", tmp.toString(), "--token", "abc");
    assertEquals(2, shortToken.exitCode());
    assertTrue(
        shortToken.err().contains("--token must have at least 12 characters"), shortToken.err());
    Path empty = Files.writeString(tmp.resolve("empty-token"), "");
    CliRun emptyFile =
        CliRun.of(
            "serve", "--model", model, "--index", tmp.toString(), "--token-file", empty.toString());
    assertEquals(2, emptyFile.exitCode());
    assertTrue(emptyFile.err().contains("--token-file " + empty + " is empty"), emptyFile.err());
  }
}
