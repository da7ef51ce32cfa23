package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/**
 * The line printed for each kind of failure. File permissions cannot be taken away from the root
 * user these tests may run as, so the permission case is checked on the exception the JDK throws
 * for it.
 */
class ErrorReporterTest {

  @Test
  void fileFailuresNameTheFileAndTheCause() {
    assertEquals(
        "/data/manifest.csv: permission denied",
        ErrorReporter.userMessage(new AccessDeniedException("/data/manifest.csv")));
    assertEquals(
        "/data/tiles/a: permission denied",
        ErrorReporter.userMessage(
            new UncheckedIOException(new AccessDeniedException("/data/tiles/a"))));
    assertEquals(
        "/data/x.csv: no such file or directory",
        ErrorReporter.userMessage(new NoSuchFileException("/data/x.csv")));
    assertEquals(
        "/data/m.csv: Is a directory",
        ErrorReporter.userMessage(new FileSystemException("/data/m.csv", null, "Is a directory")));
    assertEquals(
        "No space left on device",
        ErrorReporter.userMessage(new IOException("No space left on device")));
  }

  @Test
  void anythingElseIsABugWithItsStackTrace() {
    assertNull(ErrorReporter.userMessage(new NullPointerException("x")));
    assertNull(ErrorReporter.userMessage(new ArithmeticException()));
  }
}
