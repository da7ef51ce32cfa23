package org.pathlens.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The temporary folders uploads are written to while a request embeds them, and where Jetty spills
 * a multipart body while it arrives (its {@code MultiPart*} files): one per server, named {@value
 * #PREFIX}..., holding an {@value #OWNER} file with the server's process id. A server that was
 * killed leaves its folder behind; the next server to start deletes every such folder whose process
 * is gone (and, from versions that wrote no owner file, those untouched for a day).
 */
final class UploadFolders {

  static final String PREFIX = "pathlens-uploads-";
  static final String OWNER = "owner.pid";
  static final Duration UNOWNED_AGE = Duration.ofDays(1);

  private UploadFolders() {}

  /** Deletes the stale folders under {@code tmp}, then makes this server's; returns it. */
  static Path create(Path tmp) throws IOException {
    deleteStale(tmp);
    Path dir = Files.createTempDirectory(tmp, PREFIX);
    Files.writeString(dir.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
    return dir;
  }

  /** The folders under {@code tmp} left by servers that are gone; deleted, and returned. */
  static List<Path> deleteStale(Path tmp) throws IOException {
    List<Path> deleted = new ArrayList<>();
    List<Path> candidates;
    try (Stream<Path> entries = Files.list(tmp)) {
      candidates =
          entries
              .filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
              .toList();
    }
    for (Path dir : candidates) {
      if (isStale(dir)) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
          deleted.add(dir);
        } catch (IOException e) {
          // another user's folder, or one being removed: not ours to clean
        }
      }
    }
    return deleted;
  }

  private static boolean isStale(Path dir) {
    try {
      Path owner = dir.resolve(OWNER);
      if (Files.isRegularFile(owner)) {
        long pid = Long.parseLong(Files.readString(owner).strip());
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        return process.isEmpty() || !process.get().isAlive();
      }
      return Files.getLastModifiedTime(dir).toInstant().isBefore(Instant.now().minus(UNOWNED_AGE));
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }
}
