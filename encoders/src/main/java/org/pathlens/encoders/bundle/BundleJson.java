package org.pathlens.encoders.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a bundle's JSON files; a file that cannot be read or parsed is named with line and column.
 */
final class BundleJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BundleJson() {}

  /**
   * The JSON object in {@code file}.
   *
   * @param expected what the object must hold, for the message when it is not an object
   */
  static JsonNode readObject(Path file, String expected) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new BundleException(
          file,
          "not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + "): "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new BundleException(file, "cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new BundleException(file, "must hold a JSON object" + expected);
    }
    return root;
  }
}
