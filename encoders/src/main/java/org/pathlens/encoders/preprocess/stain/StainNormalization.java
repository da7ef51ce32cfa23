package org.pathlens.encoders.preprocess.stain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Stain normalisation of decoded tiles toward one target, applied at the tile's own resolution
 * before the model's resize and crop.
 *
 * <p>Per tile ({@link StainFit#TILE}), a tile's staining is estimated from its own pixels; per
 * slide, once from a sample of the slide's tissue tiles ({@link #fitSlide}) and the same mapping
 * applied to every tile of that slide. A tile or sample with too little tissue to estimate from
 * (bare glass) is left unchanged. Pure functions of the pixels: the result does not depend on
 * threads or order.
 *
 * @param method the method, {@link StainMethod#NONE} for none
 * @param target where tiles are moved to (null with NONE)
 * @param fit where the source staining is estimated from
 */
public record StainNormalization(StainMethod method, StainTarget target, StainFit fit) {

  /** No normalisation. */
  public static final StainNormalization NONE =
      new StainNormalization(StainMethod.NONE, null, StainFit.TILE);

  /** A slide's staining is estimated from at most this many of its tiles, evenly spaced. */
  public static final int SLIDE_SAMPLE = 16;

  /** Sample tiles with less tissue than this share are passed over when others have more. */
  static final double SAMPLE_MIN_TISSUE = 0.5;

  public StainNormalization {
    if (method == null || fit == null) {
      throw new IllegalArgumentException("stain normalisation needs a method and a fit");
    }
    if ((method == StainMethod.NONE) != (target == null)) {
      throw new IllegalArgumentException(
          "stain normalisation "
              + method.id()
              + " with target "
              + target
              + ": a method needs a target and none needs none");
    }
    if (target != null && target.method() != method) {
      throw new IllegalArgumentException(
          "a " + target.method().id() + " target cannot serve " + method.id());
    }
  }

  /** Normalisation toward {@code target} by the target's method. */
  public static StainNormalization toward(StainTarget target, StainFit fit) {
    return new StainNormalization(target.method(), target, fit);
  }

  public boolean isNone() {
    return method == StainMethod.NONE;
  }

  /**
   * The tile normalised from its own pixels (per-tile fit), or unchanged when it has too little
   * tissue.
   */
  public RgbImage normalize(RgbImage tile) {
    return isNone() ? tile : fit(List.of(tile)).apply(tile);
  }

  /**
   * The mapping estimated from {@code sample} (tiles of one slide, e.g. {@link #sample} of its
   * tiles), for every tile of that slide; the identity when the sample has too little tissue.
   * Sample tiles that are mostly glass are passed over when the others are enough.
   */
  public UnaryOperator<RgbImage> fitSlide(List<RgbImage> sample) {
    return isNone() ? UnaryOperator.identity() : mapping(estimateSlide(sample));
  }

  /**
   * The source staining {@link #fitSlide} estimates from {@code sample}: from its tiles that are at
   * least half tissue, or from all of them when none is; empty when there is too little tissue.
   */
  public Optional<StainTarget> estimateSlide(List<RgbImage> sample) {
    if (isNone() || sample.isEmpty()) {
      return Optional.empty();
    }
    OpticalDensity od = new OpticalDensity(MacenkoParameters.DEFAULT.io());
    List<RgbImage> tissue = new ArrayList<>();
    for (RgbImage tile : sample) {
      List<RgbImage> one = List.of(tile);
      if (TissuePixels.count(one, od, MacenkoParameters.DEFAULT.beta())
          >= SAMPLE_MIN_TISSUE * TissuePixels.total(one)) {
        tissue.add(tile);
      }
    }
    return target.estimate(tissue.isEmpty() ? sample : tissue);
  }

  private UnaryOperator<RgbImage> fit(List<RgbImage> pixels) {
    return mapping(target.estimate(pixels));
  }

  private UnaryOperator<RgbImage> mapping(Optional<StainTarget> source) {
    if (source.isEmpty()) {
      return UnaryOperator.identity();
    }
    StainTarget from = source.get();
    return tile -> target.transfer(tile, from);
  }

  /**
   * At most {@link #SLIDE_SAMPLE} items of {@code items}, evenly spaced, first included; in order.
   */
  public static <T> List<T> sample(List<T> items) {
    int n = items.size();
    if (n <= SLIDE_SAMPLE) {
      return List.copyOf(items);
    }
    List<T> out = new ArrayList<>(SLIDE_SAMPLE);
    for (int i = 0; i < SLIDE_SAMPLE; i++) {
      out.add(items.get((int) ((long) i * n / SLIDE_SAMPLE)));
    }
    return out;
  }

  /** e.g. {@code macenko (per slide)} or {@code none}. */
  public String describe() {
    return isNone() ? "none" : method.id() + " (per " + fit.id() + ")";
  }
}
