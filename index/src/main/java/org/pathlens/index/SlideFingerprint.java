package org.pathlens.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What makes a slide id stand for one file: a SHA-256 over the file's length and its first and last
 * {@value #SAMPLE_BYTES} bytes (for a folder, such as a DICOM series, over each regular file's name
 * and that sample, in name order). Whole-slide files run to gigabytes and differ in their headers
 * and tile tables, which sit at the start and the end, so the sample tells two scans apart in
 * milliseconds where a full hash would read the whole file; a file moved or copied keeps its
 * fingerprint.
 *
 * <p>Written {@code v1:<hex>}, so a later definition can be told from this one.
 */
public final class SlideFingerprint {

  static final int SAMPLE_BYTES = 1 << 20;
  private static final String VERSION = "v1:";

  private SlideFingerprint() {}

  /** The fingerprint of the slide at {@code path}, a file or a folder of one series. */
  public static String of(Path path) throws IOException {
    MessageDigest digest = sha256();
    if (Files.isDirectory(path)) {
      List<Path> files;
      try (Stream<Path> listed = Files.list(path)) {
        files = listed.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path file : files) {
        digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        sample(file, digest);
      }
    } else {
      sample(path, digest);
    }
    return VERSION + HexFormat.of().formatHex(digest.digest());
  }

  private static void sample(Path file, MessageDigest digest) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      digest.update(ByteBuffer.allocate(Long.BYTES).putLong(size).flip());
      read(channel, 0, (int) Math.min(size, SAMPLE_BYTES), digest);
      long tail = Math.max(SAMPLE_BYTES, size - SAMPLE_BYTES);
      if (tail < size) {
        read(channel, tail, (int) (size - tail), digest);
      }
    }
  }

  private static void read(FileChannel channel, long position, int length, MessageDigest digest)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("the file ended while being read for its fingerprint");
      }
    }
    digest.update(buffer.flip());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
