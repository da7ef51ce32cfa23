package org.pathlens.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.encoders.bundle.ImageFeature;
import org.pathlens.index.Quantization;
import org.pathlens.index.batch.ComBat;
import org.pathlens.index.features.FeatureSpace;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for the enum options whose command-line spellings are not just their
 * constants' names: a name of its own ({@code location_scale}, {@code pre-projection}) or an alias
 * kept from before ({@code --device cuda}, {@code --quantization float}). Every other enum option
 * is converted by picocli itself (case-insensitively: {@link PathLens#commandLine()}).
 */
final class Spellings {

  private Spellings() {}

  /**
   * An enum by the name the command line gives each constant, in any case, or by an alias; anything
   * else is refused as picocli refuses an enum value, listing the names.
   */
  abstract static class Spelled<E extends Enum<E>> implements ITypeConverter<E> {

    private final Map<String, E> spellings = new LinkedHashMap<>();
    private final List<String> names = new ArrayList<>();

    Spelled(Class<E> type, Function<E, String> name, Map<String, E> aliases) {
      for (E constant : type.getEnumConstants()) {
        String spelling = name.apply(constant);
        names.add(spelling);
        spellings.put(spelling.toLowerCase(Locale.ROOT), constant);
      }
      aliases.forEach((alias, constant) -> spellings.put(alias.toLowerCase(Locale.ROOT), constant));
    }

    @Override
    public E convert(String value) {
      E constant = spellings.get(value.strip().toLowerCase(Locale.ROOT));
      if (constant == null) {
        throw new TypeConversionException(
            "expected one of " + names + " (case-insensitive) but was '" + value + "'");
      }
      return constant;
    }
  }

  /** {@code --device auto|cpu|gpu}; {@code cuda} is taken for {@code gpu}. */
  static final class Device extends Spelled<DeviceChoice> {
    Device() {
      super(
          DeviceChoice.class,
          choice -> choice.name().toLowerCase(Locale.ROOT),
          Map.of("cuda", DeviceChoice.GPU));
    }
  }

  /** {@code --quantization none|int8|int4|bbq}; {@code float} is taken for {@code none}. */
  static final class Quantizations extends Spelled<Quantization> {
    Quantizations() {
      super(
          Quantization.class,
          q -> q.name().toLowerCase(Locale.ROOT),
          Map.of("float", Quantization.NONE));
    }
  }

  /** {@code --method combat|location_scale} (also {@code location-scale}). */
  static final class BatchCorrectionMethod extends Spelled<ComBat.Method> {
    BatchCorrectionMethod() {
      super(
          ComBat.Method.class,
          ComBat.Method::id,
          Map.of("location-scale", ComBat.Method.LOCATION_SCALE));
    }
  }

  /** {@code --feature-space embedding|pre-projection}, as feature files' attribute spells them. */
  static final class FeatureSpaces extends Spelled<FeatureSpace> {
    FeatureSpaces() {
      super(FeatureSpace.class, FeatureSpace::value, Map.of());
    }
  }

  /** {@code --image-feature projected|pre-projection}, as model.json spells them. */
  static final class ImageFeatures extends Spelled<ImageFeature> {
    ImageFeatures() {
      super(ImageFeature.class, ImageFeature::value, Map.of());
    }
  }
}
