package org.pathlens.slides;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Which level-0 µm/px each slide of an ingest is tiled at, so that a folder mixing slides that
 * record their resolution and slides that do not can be ingested in one command. In order: {@code
 * --mpp-override} (forced on every slide), a row of {@code --mpp-csv} for this slide (a per-slide
 * correction, as TRIDENT's {@code --custom_list_of_wsis} mpp column is), the slide's own value,
 * then {@code --mpp-default} (only for slides that record none).
 *
 * @param override forced on every slide; empty for none
 * @param bySlide µm/px by slide file name, with or without its extension
 * @param fallback for slides that record none and have no row; empty for none
 */
public record SlideMppRule(
    OptionalDouble override, Map<String, Double> bySlide, OptionalDouble fallback) {

  /** Each slide's own resolution, and a refusal for a slide without one. */
  public static final SlideMppRule OWN =
      new SlideMppRule(OptionalDouble.empty(), Map.of(), OptionalDouble.empty());

  public SlideMppRule {
    requirePositive(override, "--mpp-override");
    requirePositive(fallback, "--mpp-default");
    bySlide = new TreeMap<>(bySlide);
    bySlide.forEach(
        (slide, mpp) -> {
          if (!(mpp > 0) || mpp.isInfinite()) {
            throw new IllegalArgumentException(
                "--mpp-csv: µm/px of " + slide + " must be positive, got " + mpp);
          }
        });
  }

  /** Every slide at {@code mpp}, whatever it records. */
  public static SlideMppRule overriding(double mpp) {
    return new SlideMppRule(OptionalDouble.of(mpp), Map.of(), OptionalDouble.empty());
  }

  /**
   * The level-0 resolution of the slide at {@code path} that records {@code own}, and where it came
   * from; empty when nothing gives one.
   */
  public Optional<SlideMpp> resolve(Path path, Optional<Mpp> own) {
    if (override.isPresent()) {
      return Optional.of(new SlideMpp(Mpp.square(override.getAsDouble()), MppSource.OVERRIDE));
    }
    Double row = rowOf(path);
    if (row != null) {
      return Optional.of(new SlideMpp(Mpp.square(row), MppSource.CSV));
    }
    if (own.isPresent()) {
      return Optional.of(new SlideMpp(own.get(), MppSource.FILE));
    }
    if (fallback.isPresent()) {
      return Optional.of(new SlideMpp(Mpp.square(fallback.getAsDouble()), MppSource.DEFAULT));
    }
    return Optional.empty();
  }

  /** The table's row for the slide: by its file name, else by the name without extension. */
  private Double rowOf(Path path) {
    if (bySlide.isEmpty() || path.getFileName() == null) {
      return null;
    }
    String name = path.getFileName().toString();
    Double row = bySlide.get(name);
    int dot = name.lastIndexOf('.');
    return row != null || dot <= 0 ? row : bySlide.get(name.substring(0, dot));
  }

  private static void requirePositive(OptionalDouble value, String option) {
    if (value.isPresent() && !(value.getAsDouble() > 0 && value.getAsDouble() < 1e6)) {
      throw new IllegalArgumentException(
          option + " must be a positive µm/px, got " + value.getAsDouble());
    }
  }

  /** A slide's level-0 resolution and its source. */
  public record SlideMpp(Mpp mpp, MppSource source) {}
}
