package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The slides a user names: files as named, directories searched (not recursively) for slide files.
 */
public final class SlideFiles {

  /** Extensions of whole-slide formats the readers know (generic TIFF, and OpenSlide's). */
  public static final Set<String> EXTENSIONS =
      Set.of("svs", "tif", "tiff", "ndpi", "vms", "vmu", "scn", "mrxs", "svslide", "bif", "dcm");

  private SlideFiles() {}

  /**
   * Files are kept whatever their extension, so an unreadable one is reported rather than dropped;
   * directories give their slide files, sorted, so runs are repeatable.
   *
   * @throws IllegalArgumentException when two slides would get the same id ({@link #slideId})
   */
  public static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> list = Files.list(path)) {
          list.filter(Files::isRegularFile)
              .filter(SlideFiles::hasSlideExtension)
              .sorted()
              .forEach(files::add);
        }
      } else {
        files.add(path);
      }
    }
    Map<String, Path> ids = new HashMap<>();
    for (Path file : files) {
      Path earlier = ids.putIfAbsent(slideId(file), file);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "slides "
                + earlier
                + " and "
                + file
                + " would both get slide id '"
                + slideId(file)
                + "': ingest them into separate indexes or rename one");
      }
    }
    return files;
  }

  /**
   * A slide's id: its file name without the extension ({@code CMU-1.svs} → {@code CMU-1}), stable
   * whatever folder the slide is ingested from, so re-ingesting replaces its tiles.
   */
  public static String slideId(Path slide) {
    String name = slide.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static boolean hasSlideExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
