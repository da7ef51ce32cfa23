package org.pathlens.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pathlens.fixtures.Fixtures;

/**
 * What tests find beside the product's fixtures: the committed test bundles and golden reference
 * outputs by name, and a Python that can run the reference scripts.
 */
public final class TestData {

  private TestData() {}

  /** A bundle under {@code fixtures/bundles/}, e.g. {@code tiny-clip-bpe}. */
  public static Path bundle(String name) {
    return Fixtures.dir().resolve("bundles").resolve(name);
  }

  /**
   * A copy of the demo bundle in {@code dir} that carries an image projection: the files of {@code
   * fixtures/bundles/demo-projection} ({@code fixtures/scripts/make_projection_fixture.py}) laid
   * over the demo bundle's. Its image embeddings are the demo's; pre-projection features are the
   * 128 pooled CNN activations before the tower's last linear.
   */
  public static Path demoBundleWithProjection(Path dir) throws IOException {
    Path demo = Fixtures.demoBundle();
    Path overlay = bundle("demo-projection");
    try (Stream<Path> files = Files.walk(demo)) {
      for (Path file : files.toList()) {
        Path target = dir.resolve(demo.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Path replacement = overlay.resolve(demo.relativize(file).toString());
          Files.copy(Files.exists(replacement) ? replacement : file, target);
        }
      }
    }
    Files.copy(overlay.resolve("image_projection.pt"), dir.resolve("image_projection.pt"));
    return dir;
  }

  /** Golden reference outputs for a bundle, under {@code fixtures/golden/}. */
  public static Path golden(String name) {
    return Fixtures.dir().resolve("golden").resolve(name);
  }

  /**
   * A Python with torch, Pillow and numpy for the reference scripts: {@code $PATHLENS_PYTHON}, else
   * Debian's {@code /usr/bin/python3} (the {@code python3} first on the PATH may be another one,
   * without torch); empty when it cannot import them. Tests that need it must skip then.
   */
  public static Optional<String> pythonWithTorch() {
    return pythonWith("torch, PIL, numpy");
  }

  /**
   * As {@link #pythonWithTorch}, for the scripts that write HDF5 files with h5py (Debian's {@code
   * python3-h5py}).
   */
  public static Optional<String> pythonWithH5py() {
    return pythonWith("h5py, numpy");
  }

  /** As {@link #pythonWithTorch}, for the reference scripts that need numpy alone. */
  public static Optional<String> pythonWithNumpy() {
    return pythonWith("numpy");
  }

  /**
   * As {@link #pythonWithTorch}, for the script that writes DICOM whole-slide test series with
   * pydicom (Debian's {@code python3-pydicom}).
   */
  public static Optional<String> pythonWithPydicom() {
    return pythonWith("pydicom, PIL, numpy");
  }

  /**
   * As {@link #pythonWithTorch}, for the script that writes pyramid TIFFs and decodes their levels
   * with tifffile (Debian's {@code python3-tifffile}).
   */
  public static Optional<String> pythonWithTifffile() {
    return pythonWith("tifffile, numpy");
  }

  private static Optional<String> pythonWith(String modules) {
    String env = System.getenv("PATHLENS_PYTHON");
    String python = env != null && !env.isBlank() ? env : "/usr/bin/python3";
    try {
      Process p = new ProcessBuilder(python, "-c", "import " + modules).start();
      p.getInputStream().close();
      p.getErrorStream().close();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0
          ? Optional.of(python)
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
