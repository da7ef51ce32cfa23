package org.pathlens.index;

import java.util.Map;
import java.util.Objects;

/**
 * One tile as the index stores it: its identity, where it came from and what is known about it.
 * Every field but {@code id} may be null (a tile folder without a manifest knows only paths);
 * {@code x}, {@code y} and {@code mpp} are null when unknown.
 *
 * @param id the unique key: re-adding a tile with the same id replaces it (see {@link TileIds})
 * @param slideId the slide the tile was cut from
 * @param patientId the patient the slide belongs to
 * @param site the hospital or center
 * @param stain e.g. {@code HE}
 * @param scanner the scanner model
 * @param label the tissue class, where known
 * @param caption free text searched with BM25
 * @param x the tile's left edge at level 0 of its slide, in pixels
 * @param y the tile's top edge at level 0 of its slide, in pixels
 * @param mpp microns per pixel of the tile
 * @param source the tile's file path or URI, or its slide's
 * @param extra other metadata columns, indexed as exact-match fields under their own names
 */
public record TileRecord(
    String id,
    String slideId,
    String patientId,
    String site,
    String stain,
    String scanner,
    String label,
    String caption,
    Integer x,
    Integer y,
    Double mpp,
    String source,
    Map<String, String> extra) {

  public TileRecord {
    Objects.requireNonNull(id, "tile id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("tile id is blank (source " + source + ")");
    }
    extra = extra == null ? Map.of() : Map.copyOf(extra);
    for (String key : extra.keySet()) {
      if (TileFields.RESERVED.contains(key)) {
        throw new IllegalArgumentException(
            "extra metadata key '"
                + key
                + "' of tile "
                + id
                + " collides with the built-in field of that name");
      }
    }
  }

  /** A tile known only by its id and source (no manifest). */
  public static TileRecord of(String id, String source) {
    return of(Map.of(TileFields.ID, id, TileFields.SOURCE, source), Map.of());
  }

  /**
   * A record from the values it knows, by field name ({@link TileFields#SCHEMA}); fields left out
   * are unknown.
   */
  public static TileRecord of(Map<String, ?> values, Map<String, String> extra) {
    return TileFields.record(values::get, extra);
  }

  /**
   * The value of a keyword metadata field by its index name ({@code site}, {@code scanner}, {@code
   * stain}, {@code slide_id}, {@code patient_id}, {@code label} or an extra key); null when the
   * tile has none.
   */
  public String metadata(String field) {
    return TileFields.field(field)
        .map(f -> f.faceted() ? (String) f.value().apply(this) : null)
        .orElseGet(() -> extra.get(field));
  }

  /** This tile with {@code newSource} as its source (its slide file moved), all else kept. */
  public TileRecord withSource(String newSource) {
    return TileFields.record(
        name ->
            name.equals(TileFields.SOURCE)
                ? newSource
                : TileFields.field(name).map(f -> f.value().apply(this)).orElse(null),
        extra);
  }
}
