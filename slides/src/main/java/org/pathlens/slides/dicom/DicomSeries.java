package org.pathlens.slides.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A whole-slide image as DICOM stores it: one series, one instance per pyramid level (told apart by
 * their total pixel matrix sizes, the finest first), and associated images (LABEL, OVERVIEW,
 * THUMBNAIL) that are kept aside and never tiled. A slide is a single file, or a folder whose DICOM
 * files all belong to one series.
 */
public record DicomSeries(
    Path source, String seriesUid, List<DicomInstance> levels, List<DicomInstance> associated) {

  /**
   * The series in {@code fileOrFolder}.
   *
   * @throws DicomFormatException naming the file at fault: an instance that does not parse, files
   *     of several series, two instances for one level, no level at all, or a folder whose base
   *     (full-resolution) level is missing (its largest image is RESAMPLED)
   */
  public static DicomSeries open(Path fileOrFolder) throws IOException {
    List<Path> files =
        Files.isDirectory(fileOrFolder) ? files(fileOrFolder) : List.of(fileOrFolder);
    if (files.isEmpty()) {
      throw new DicomFormatException("the folder holds no DICOM file");
    }
    List<DicomInstance> instances = new ArrayList<>();
    for (Path file : files) {
      try {
        instances.add(DicomInstance.read(file));
      } catch (DicomFormatException e) {
        throw files.size() == 1
            ? e
            : new DicomFormatException(file.getFileName() + ": " + e.getMessage());
      }
    }
    return of(fileOrFolder, instances);
  }

  static DicomSeries of(Path source, List<DicomInstance> instances) throws DicomFormatException {
    Map<String, List<DicomInstance>> bySeries =
        instances.stream()
            .collect(
                Collectors.groupingBy(
                    DicomInstance::seriesUid, LinkedHashMap::new, Collectors.toList()));
    if (bySeries.size() > 1) {
      throw new DicomFormatException(
          "the folder holds "
              + bySeries.size()
              + " series ("
              + bySeries.entrySet().stream()
                  .map(e -> e.getKey() + ": " + files(e.getValue().size()))
                  .collect(Collectors.joining(", "))
              + "); a slide folder holds the instances of one series");
    }
    List<DicomInstance> levels = new ArrayList<>(), associated = new ArrayList<>();
    for (DicomInstance instance : instances) {
      (instance.associatedKind().isPresent() ? associated : levels).add(instance);
    }
    if (levels.isEmpty()) {
      throw new DicomFormatException(
          "no pyramid level: the series holds only "
              + associated.stream()
                  .map(a -> a.associatedKind().orElseThrow())
                  .distinct()
                  .collect(Collectors.joining(", "))
              + " images");
    }
    levels.sort(
        Comparator.comparingLong(DicomInstance::totalWidth)
            .thenComparingLong(DicomInstance::totalHeight)
            .reversed());
    for (int k = 1; k < levels.size(); k++) {
      DicomInstance a = levels.get(k - 1), b = levels.get(k);
      if (a.totalWidth() == b.totalWidth() && a.totalHeight() == b.totalHeight()) {
        throw new DicomFormatException(
            a.file().getFileName()
                + " and "
                + b.file().getFileName()
                + " both hold the "
                + a.totalWidth()
                + "x"
                + a.totalHeight()
                + " level (concatenations, focal planes and optical paths in separate instances"
                + " are not read)");
      }
      if (b.totalWidth() > a.totalWidth() || b.totalHeight() > a.totalHeight()) {
        throw new DicomFormatException(
            b.file().getFileName()
                + " ("
                + b.totalWidth()
                + "x"
                + b.totalHeight()
                + ") is not a level of "
                + a.file().getFileName()
                + " ("
                + a.totalWidth()
                + "x"
                + a.totalHeight()
                + "): taller but narrower");
      }
    }
    DicomInstance base = levels.getFirst();
    // A file named alone is the level asked for; a folder must hold the whole pyramid.
    if (base.resampled() && Files.isDirectory(source)) {
      throw new DicomFormatException(
          "the series is missing its base level: its largest image, "
              + base.file().getFileName()
              + " ("
              + base.totalWidth()
              + "x"
              + base.totalHeight()
              + "), is RESAMPLED from a full-resolution instance that is not here");
    }
    return new DicomSeries(source, base.seriesUid(), List.copyOf(levels), List.copyOf(associated));
  }

  private static String files(int count) {
    return count + (count == 1 ? " file" : " files");
  }

  /** The folder's DICOM files (a Part 10 preamble, whatever the name), sorted by name. */
  public static List<Path> files(Path folder) throws IOException {
    try (Stream<Path> list = Files.list(folder)) {
      List<Path> candidates =
          list.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .filter(p -> !p.getFileName().toString().equalsIgnoreCase("DICOMDIR"))
              .sorted()
              .toList();
      List<Path> dicom = new ArrayList<>();
      for (Path p : candidates) {
        if (isDicom(p)) {
          dicom.add(p);
        }
      }
      return dicom;
    }
  }

  /** Whether {@code file} has "DICM" after its 128-byte preamble. */
  public static boolean isDicom(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(132);
      return head.length == 132
          && new String(head, 128, 4, StandardCharsets.US_ASCII).equals("DICM");
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code folder} holds DICOM files, so that it is read as one slide. */
  public static boolean isSeriesFolder(Path folder) throws IOException {
    return Files.isDirectory(folder) && !files(folder).isEmpty();
  }
}
