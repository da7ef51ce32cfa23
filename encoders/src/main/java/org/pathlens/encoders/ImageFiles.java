package org.pathlens.encoders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.pathlens.encoders.preprocess.WholeSlideImages;

/** Expands the paths a user names into image files: directories recursively, in sorted order. */
public final class ImageFiles {

  /** Extensions the JDK's ImageIO decodes (the TIFF reader is built in since JDK 9). */
  public static final Set<String> EXTENSIONS =
      Set.of("png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif");

  private ImageFiles() {}

  /**
   * Files are kept as named, whatever their extension (so an unreadable one is reported, not
   * silently dropped); directories contribute their image files, sorted so runs are repeatable.
   */
  public static List<Path> expand(List<Path> paths) {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          // A broken link is kept (isRegularFile follows links and would drop it): decoding then
          // names it as unreadable instead of leaving it out without a word.
          walk.filter(f -> Files.isRegularFile(f) || Files.isSymbolicLink(f))
              .filter(ImageFiles::hasImageExtension)
              .sorted()
              .forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
        }
      } else {
        files.add(path);
      }
    }
    return files;
  }

  /**
   * Whether a folder walk keeps {@code file}: an image extension, or a whole-slide one (kept so
   * that decoding refuses it by name with a pointer to {@code ingest --slides}, not left out
   * without a word).
   */
  public static boolean hasImageExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
        || WholeSlideImages.isSlideName(name);
  }
}
