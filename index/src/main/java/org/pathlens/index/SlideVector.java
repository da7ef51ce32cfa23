package org.pathlens.index;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A slide's embedding as a document of the index ({@link SlideVectors}): one vector per slide and
 * method, with the metadata its tiles share, so slides can be searched and filtered as wholes.
 *
 * @param slideId the slide
 * @param method how the vector was made, e.g. {@link SlidePooling#MEAN}
 * @param embedding the unit vector
 * @param tiles how many tiles went into it
 * @param metadata keyword fields every tile of the slide has with one value ({@code patient_id},
 *     {@code site}, {@code label}, manifest columns); a field its tiles disagree on is left out
 */
public record SlideVector(
    String slideId, String method, float[] embedding, int tiles, Map<String, String> metadata) {

  public SlideVector {
    Objects.requireNonNull(slideId, "slide id");
    Objects.requireNonNull(method, "method");
    metadata = metadata == null ? Map.of() : new TreeMap<>(metadata);
  }

  /** The patient the slide belongs to, when its tiles name one. */
  public String patientId() {
    return metadata.get(TileFields.PATIENT_ID);
  }
}
