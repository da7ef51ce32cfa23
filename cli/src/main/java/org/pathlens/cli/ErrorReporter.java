package org.pathlens.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.pathlens.encoders.EncoderException;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.export.ExportException;
import org.pathlens.encoders.text.UncleanableTextException;
import org.pathlens.slides.SlideException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the errors a user can fix (a wrong bundle, a bad argument, a missing or unreadable file, a
 * full disk) into one line on stderr and exit code 2; anything else is a bug and keeps its stack
 * trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

  static final int USER_ERROR = 2;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    String message = userMessage(e);
    if (message != null) {
      cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + message);
      return USER_ERROR;
    }
    e.printStackTrace(cli.getErr());
    return CommandLine.ExitCode.SOFTWARE;
  }

  /** The line to print for an error the user can fix, or null for a bug. */
  static String userMessage(Exception e) {
    if (e instanceof UncheckedIOException unchecked) {
      return describe(unchecked.getCause());
    }
    if (e instanceof IOException io) {
      // Files and disks: a path that is missing, unreadable or of the wrong kind, a full disk.
      return describe(io);
    }
    if (e instanceof BundleException
        || e instanceof EncoderException
        || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException
        || e instanceof ExportException
        || e instanceof SlideException
        || e instanceof UncleanableTextException) {
      return e.getMessage();
    }
    return null;
  }

  /**
   * An I/O failure as "file: cause". The JDK names the file of a {@link FileSystemException} in its
   * message, with the cause only in the exception's type (an {@code AccessDeniedException}'s
   * message is the bare path), so the type is spelt out here.
   */
  static String describe(IOException e) {
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      String reason =
          switch (fs) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or directory";
            case NotDirectoryException notDir -> "not a directory";
            case FileAlreadyExistsException exists -> "exists and is not a directory";
            default -> fs.getReason() != null ? fs.getReason() : fs.getClass().getSimpleName();
          };
      String file =
          fs.getOtherFile() == null ? fs.getFile() : fs.getFile() + " -> " + fs.getOtherFile();
      return file + ": " + reason;
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
