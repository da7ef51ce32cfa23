package org.pathlens.encoders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.pathlens.testkit.TestData;

/** Copies of a committed bundle that a test can break one file at a time. */
public final class BundleCopies {

  /** The third-party-style CLIP bundle (BPE tokenizer, input_ids only, squash/bilinear). */
  public static final String TINY_CLIP = "tiny-clip-bpe";

  private BundleCopies() {}

  public static Path tinyClip() {
    return TestData.bundle(TINY_CLIP);
  }

  /** Copies {@code bundle} (with its canary folder) into {@code dir} and returns the copy. */
  public static Path copy(Path bundle, Path dir) {
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path file : files.toList()) {
        Path target = dir.resolve(bundle.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites one text file of a bundle copy. */
  public static void edit(Path file, UnaryOperator<String> change) {
    try {
      Files.writeString(file, change.apply(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
