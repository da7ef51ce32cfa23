package org.pathlens.index;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The tile schema, declared once: every field a {@link TileRecord} has, how it is indexed, and how
 * it reads from a record. The Lucene document, the OpenSearch mapping and document, the hit JSON,
 * the manifest reader and the facets are all derived from {@link #SCHEMA}; a manifest column that
 * is not in it is kept as extra metadata, indexed as a {@link Kind#KEYWORD} under its own name.
 * Filters name these fields.
 */
public final class TileFields {

  public static final String ID = "id";
  public static final String SLIDE_ID = "slide_id";
  public static final String PATIENT_ID = "patient_id";
  public static final String SITE = "site";
  public static final String STAIN = "stain";
  public static final String SCANNER = "scanner";
  public static final String LABEL = "label";
  public static final String CAPTION = "caption";
  public static final String X = "x";
  public static final String Y = "y";
  public static final String MPP = "mpp";
  public static final String SOURCE = "source";
  public static final String EMBEDDING = "embedding";

  /**
   * The embedding as encoded, stored beside a batch-corrected one so that a new fit starts from it.
   */
  public static final String EMBEDDING_RAW = "embedding_raw";

  /**
   * {@code true}/{@code false} in an index with a batch correction: whether the tile's vector is
   * corrected.
   */
  public static final String BATCH_CORRECTED = "batch_corrected";

  /**
   * The feature a tile was imported as, where it is not its embedding: a pre-projection feature
   * (CONCH v1's before {@code proj_contrast}, as TRIDENT stores it), kept for export. Stored, never
   * searched.
   */
  public static final String FEATURE = "feature";

  /** How a field is indexed; every backend maps a kind the same way. */
  public enum Kind {
    /** A whole value (case kept): exact-match filters and facet counts. */
    KEYWORD,
    /** Analysed full text, searched with BM25. */
    TEXT,
    /** A whole number: range filters ({@code x:[0 TO 1120]}). */
    INT,
    /** A real number: range filters. */
    DOUBLE;

    /**
     * A value read from a document, a JSON source or a manifest cell, as this kind holds it.
     *
     * @throws IllegalArgumentException naming the field when a number does not parse
     */
    Object convert(String field, Object raw) {
      return switch (this) {
        case KEYWORD, TEXT -> raw.toString();
        case INT -> {
          if (raw instanceof Number n) {
            yield n.intValue();
          }
          try {
            yield Integer.valueOf(raw.toString().trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "column " + field + " must be a whole number of pixels, got '" + raw + "'", e);
          }
        }
        case DOUBLE -> {
          if (raw instanceof Number n) {
            yield n.doubleValue();
          }
          try {
            yield Double.valueOf(raw.toString().trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "column " + field + " must be a number, got '" + raw + "'", e);
          }
        }
      };
    }
  }

  /**
   * One field of the schema.
   *
   * @param name the field's name in every backend, in filters, in hit JSON and as a manifest column
   * @param kind how it is indexed
   * @param faceted whether its values are counted for filters ({@link TileIndex#facet}): metadata
   *     that groups tiles, not identifiers or positions
   * @param value how it reads from a record (null: the tile has none)
   */
  public record Field(
      String name, Kind kind, boolean faceted, Function<TileRecord, Object> value) {}

  /** The schema, in the order hit JSON lists a tile: what identifies it, then what is known. */
  public static final List<Field> SCHEMA =
      List.of(
          new Field(ID, Kind.KEYWORD, false, TileRecord::id),
          new Field(SLIDE_ID, Kind.KEYWORD, true, TileRecord::slideId),
          new Field(X, Kind.INT, false, TileRecord::x),
          new Field(Y, Kind.INT, false, TileRecord::y),
          new Field(SOURCE, Kind.KEYWORD, false, TileRecord::source),
          new Field(LABEL, Kind.KEYWORD, true, TileRecord::label),
          new Field(PATIENT_ID, Kind.KEYWORD, true, TileRecord::patientId),
          new Field(SITE, Kind.KEYWORD, true, TileRecord::site),
          new Field(STAIN, Kind.KEYWORD, true, TileRecord::stain),
          new Field(SCANNER, Kind.KEYWORD, true, TileRecord::scanner),
          new Field(MPP, Kind.DOUBLE, false, TileRecord::mpp),
          new Field(CAPTION, Kind.TEXT, false, TileRecord::caption));

  private static final Map<String, Field> BY_NAME = new HashMap<>();

  static {
    SCHEMA.forEach(f -> BY_NAME.put(f.name(), f));
  }

  /** The schema's field of that name, if it is one (not an extra metadata key). */
  public static Optional<Field> field(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** Fields an extra metadata key may not take: the schema's and the vectors'. */
  public static final Set<String> RESERVED = reserved();

  private static Set<String> reserved() {
    Set<String> names = new LinkedHashSet<>(BY_NAME.keySet());
    names.addAll(List.of(EMBEDDING, EMBEDDING_RAW, BATCH_CORRECTED, FEATURE));
    return Set.copyOf(names);
  }

  /**
   * A record from its values read by field name: a stored document, a JSON source, a manifest row.
   * Numbers may come as numbers or as text.
   *
   * @param valueOf a field's value, or null where the tile has none
   * @param extra metadata beyond the schema
   * @throws IllegalArgumentException naming a field whose value does not fit its kind
   */
  public static TileRecord record(Function<String, Object> valueOf, Map<String, String> extra) {
    Map<String, Object> values = new HashMap<>();
    for (Field field : SCHEMA) {
      Object raw = valueOf.apply(field.name());
      if (raw != null) {
        values.put(field.name(), field.kind().convert(field.name(), raw));
      }
    }
    return new TileRecord(
        (String) values.get(ID),
        (String) values.get(SLIDE_ID),
        (String) values.get(PATIENT_ID),
        (String) values.get(SITE),
        (String) values.get(STAIN),
        (String) values.get(SCANNER),
        (String) values.get(LABEL),
        (String) values.get(CAPTION),
        (Integer) values.get(X),
        (Integer) values.get(Y),
        (Double) values.get(MPP),
        (String) values.get(SOURCE),
        extra);
  }

  private TileFields() {}
}
