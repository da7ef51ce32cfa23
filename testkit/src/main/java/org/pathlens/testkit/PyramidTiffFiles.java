package org.pathlens.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pathlens.fixtures.Fixtures;

/**
 * Pyramid TIFFs as labs' tools write them ({@code fixtures/scripts/write_pyramid_tiff.py}): libvips
 * with its levels in SubIFDs, tifffile's OME-TIFF likewise, and the pixels tifffile + numpy decode
 * from any of them. Callers skip when {@link TestData#pythonWithTifffile} is empty, and for the
 * libvips file when {@link #hasVips} is false.
 */
public final class PyramidTiffFiles {
  private PyramidTiffFiles() {}

  /** Whether the {@code vips} command (Debian's {@code libvips-tools}) runs here. */
  public static boolean hasVips() {
    try {
      Process p = new ProcessBuilder("vips", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * libvips' {@code tiffsave --tile --pyramid --subifd}, deflate, 256 px tiles, of the script's
   * 1280 x 960 picture enlarged {@code zoom} times.
   */
  public static Path vipsSubIfd(String python, Path out, int zoom) throws IOException {
    run(python, "vips-subifd", out.toString(), Integer.toString(zoom));
    return out;
  }

  /**
   * tifffile's OME-TIFF of the same picture, its levels in SubIFDs, PhysicalSizeX/Y 0.25 µm written
   * in {@code unit} ({@code µm}, {@code nm}, {@code mm} or {@code cm}).
   */
  public static Path ome(String python, Path out, int zoom, String unit) throws IOException {
    run(python, "ome", out.toString(), Integer.toString(zoom), unit);
    return out;
  }

  /** As {@link #ome}, as a BigTIFF (which the JDK cannot read: OpenSlide reads it). */
  public static Path omeBigTiff(String python, Path out, int zoom, String unit) throws IOException {
    run(python, "ome", out.toString(), Integer.toString(zoom), unit, "bigtiff");
    return out;
  }

  /**
   * Into {@code outDir}: {@code levels.json} (each level's width, height and compared region) and
   * {@code level-K.rgb}, that region's pixels as tifffile decodes them.
   */
  public static Path reference(String python, Path tiff, Path outDir) throws IOException {
    run(python, "reference", tiff.toString(), outDir.toString());
    return outDir;
  }

  private static void run(String python, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(python);
    command.add(Fixtures.dir().resolve("scripts/write_pyramid_tiff.py").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("write_pyramid_tiff.py " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while write_pyramid_tiff.py ran", e);
    }
  }
}
