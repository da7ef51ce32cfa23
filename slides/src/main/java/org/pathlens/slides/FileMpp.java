package org.pathlens.slides;

import java.util.Locale;
import java.util.Optional;

/**
 * The microns per pixel a slide file records, with where in the file they came from ({@link
 * SlideReader#mppSource()}'s values), or why a value the file records was not taken: a value
 * outside {@link #MIN_PLAUSIBLE}..{@link #MAX_PLAUSIBLE} µm/px is no microscope scan's (libvips
 * writes 10 px/cm, image editors 72 or 300 dpi, when they know no resolution), and taking it would
 * tile at a wrong magnification without a word.
 *
 * @param mpp the value, when one was taken
 * @param source where it came from, {@code none} when nothing was taken
 * @param rejection why a recorded value was not taken, when one was not
 */
record FileMpp(Optional<Mpp> mpp, String source, Optional<String> rejection) {
  /** Finer than any optical scan (a 100x oil objective on a fine sensor gives about 0.06). */
  static final double MIN_PLAUSIBLE = 0.05;

  /** Coarser than any overview a slide scanner stores as level 0 (1.25x gives about 8). */
  static final double MAX_PLAUSIBLE = 20;

  static FileMpp none() {
    return new FileMpp(Optional.empty(), "none", Optional.empty());
  }

  static FileMpp rejected(String reason) {
    return new FileMpp(Optional.empty(), "none", Optional.of(reason));
  }

  /** {@code x} x {@code y} µm/px from {@code source}, or its rejection when implausible. */
  static FileMpp of(double x, double y, String source) {
    if (!(x >= MIN_PLAUSIBLE && x <= MAX_PLAUSIBLE && y >= MIN_PLAUSIBLE && y <= MAX_PLAUSIBLE)) {
      return rejected(
          String.format(
              Locale.ROOT,
              "%s gives %.6g x %.6g µm/px, outside the %.2f..%.0f µm/px of a microscope scan: not"
                  + " used",
              source,
              x,
              y,
              MIN_PLAUSIBLE,
              MAX_PLAUSIBLE));
    }
    return new FileMpp(Optional.of(new Mpp(x, y)), source, Optional.empty());
  }

  /**
   * From TIFF's XResolution/YResolution (pixels per unit) and ResolutionUnit ({@code inch}, {@code
   * centimeter}, anything else meaning no physical unit).
   */
  static FileMpp fromTiffResolution(
      Optional<Double> xResolution, Optional<Double> yResolution, String unit) {
    if (xResolution.isEmpty() || yResolution.isEmpty()) {
      return none();
    }
    double micronsPerUnit =
        switch (unit) {
          case "inch" -> 25_400;
          case "centimeter" -> 10_000;
          default -> Double.NaN;
        };
    if (Double.isNaN(micronsPerUnit)) {
      return rejected(
          "tiff-resolution has ResolutionUnit "
              + unit
              + ", no physical unit: XResolution "
              + xResolution.get()
              + " is not used");
    }
    return of(
        micronsPerUnit / xResolution.get(), micronsPerUnit / yResolution.get(), "tiff-resolution");
  }
}
