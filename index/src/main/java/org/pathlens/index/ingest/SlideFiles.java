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
import org.pathlens.slides.dicom.DicomInstance;
import org.pathlens.slides.dicom.DicomSeries;

/**
 * The slides a user names: files as named, directories searched (not recursively) for slide files.
 * DICOM series are grouped first: a folder whose DICOM files are the instances of one series is one
 * slide (the reader takes its levels from the folder), whether named or found in a named folder.
 */
public final class SlideFiles {

  /** Extensions of whole-slide formats the readers know (generic TIFF, and OpenSlide's). */
  public static final Set<String> EXTENSIONS =
      Set.of("svs", "tif", "tiff", "ndpi", "vms", "vmu", "scn", "mrxs", "svslide", "bif", "dcm");

  private SlideFiles() {}

  /**
   * Files are kept whatever their extension, so an unreadable one is reported rather than dropped;
   * directories give their slide files, sorted, so runs are repeatable. A directory whose DICOM
   * files all belong to one series (two or more instances, nothing else) is itself one slide; in
   * any other directory, each DICOM file is a slide of its own, and each subfolder holding DICOM
   * files is one slide too.
   *
   * @throws IllegalArgumentException when two slides would get the same id ({@link #slideId}), or a
   *     directory holds several instances of one series among other slides (they would be ingested
   *     as separate slides)
   */
  public static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        List<Path> listed;
        try (Stream<Path> list = Files.list(path)) {
          listed =
              list.filter(Files::isRegularFile)
                  .filter(SlideFiles::hasSlideExtension)
                  .sorted()
                  .toList();
        }
        if (isOneDicomSeries(path, listed)) {
          files.add(path);
          continue;
        }
        files.addAll(listed);
        try (Stream<Path> list = Files.list(path)) {
          for (Path sub : list.filter(Files::isDirectory).sorted().toList()) {
            if (DicomSeries.isSeriesFolder(sub)) {
              files.add(sub);
            }
          }
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
   * Whether {@code folder}'s DICOM files are two or more instances of one series and its other
   * slide files none: then the folder is the slide. Several instances of one series beside other
   * slides are refused, since listing them would make each level a slide.
   */
  private static boolean isOneDicomSeries(Path folder, List<Path> listed) throws IOException {
    List<Path> dicom = DicomSeries.files(folder);
    Map<String, Integer> instances = new HashMap<>();
    for (Path file : dicom) {
      try {
        instances.merge(DicomInstance.read(file).seriesUid(), 1, Integer::sum);
      } catch (IOException e) {
        // Counted with no series: the reader names what is wrong with it when it opens the slide.
      }
    }
    if (dicom.size() >= 2 && instances.size() <= 1 && dicom.containsAll(listed)) {
      return true;
    }
    instances.values().removeIf(n -> n < 2);
    if (!instances.isEmpty()) {
      throw new IllegalArgumentException(
          folder
              + " holds "
              + instances.values().iterator().next()
              + " instances of one DICOM series beside other slides: move them into a folder of"
              + " their own (a folder of one series' instances is one slide)");
    }
    return false;
  }

  /**
   * A slide's id: its file name without the extension ({@code CMU-1.svs} → {@code CMU-1}), stable
   * whatever folder the slide is ingested from, so re-ingesting replaces its tiles; for a folder of
   * one DICOM series, the folder's name as it is.
   */
  public static String slideId(Path slide) {
    String name = slide.getFileName().toString();
    if (Files.isDirectory(slide)) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /**
   * {@code name} without a slide file extension ({@code case-1.svs} → {@code case-1}), as {@link
   * #slideId} names a slide; any other name as it is (ids may hold dots).
   */
  static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
        ? name.substring(0, dot)
        : name;
  }

  private static boolean hasSlideExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
