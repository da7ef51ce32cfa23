package org.pathlens.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pathlens.fixtures.Fixtures;

/**
 * DICOM whole-slide files written by pydicom ({@code fixtures/scripts/write_dicom_wsi.py}), with
 * the pixels Pillow and numpy say they hold: the DICOM reader's tests compare against them. Callers
 * skip when {@link TestData#pythonWithPydicom} is empty.
 */
public final class DicomWsiFiles {
  private DicomWsiFiles() {}

  /**
   * Writes the test series into {@code out} (the script's {@code series} command: {@code pyramid/},
   * {@code sparse.dcm}, {@code extended.dcm}, {@code unmarked.dcm}, {@code bad/} and the {@code
   * expected-*.png} pixels).
   */
  public static Path series(String python, Path out) throws IOException {
    run(python, "series", out.toString());
    return out;
  }

  /**
   * The total pixel matrix of the single-file JPEG slide {@code dicom} as pydicom + Pillow see it.
   */
  public static Path assemble(String python, Path dicom, Path png) throws IOException {
    run(python, "assemble", dicom.toString(), png.toString());
    return png;
  }

  private static void run(String python, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.add(Fixtures.dir().resolve("scripts/write_dicom_wsi.py").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("write_dicom_wsi.py " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while write_dicom_wsi.py ran", e);
    }
  }
}
