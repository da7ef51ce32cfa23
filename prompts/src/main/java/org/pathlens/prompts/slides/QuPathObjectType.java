package org.pathlens.prompts.slides;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What QuPath makes of each tile of a GeoJSON export ({@code properties.objectType}): a tile object
 * (the default: QuPath's own tiling objects), a detection (counted and measured as cells are), or
 * an annotation (editable regions a pathologist can correct by hand).
 */
public enum QuPathObjectType {
  TILE,
  DETECTION,
  ANNOTATION;

  /** The value QuPath reads: {@code tile}, {@code detection} or {@code annotation}. */
  public String qupathName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The choices as they are written, for messages: {@code tile, detection or annotation}. */
  public static String choices() {
    String all =
        Arrays.stream(values()).map(QuPathObjectType::qupathName).collect(Collectors.joining(", "));
    int last = all.lastIndexOf(", ");
    return all.substring(0, last) + " or " + all.substring(last + 2);
  }

  /**
   * The type QuPath calls {@code text}.
   *
   * @throws IllegalArgumentException naming the choices
   */
  public static QuPathObjectType of(String text) {
    for (QuPathObjectType type : values()) {
      if (type.qupathName().equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException("object type must be " + choices() + ", got '" + text + "'");
  }
}
