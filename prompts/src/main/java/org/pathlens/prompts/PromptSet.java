package org.pathlens.prompts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A prompt ensemble: class ids (in file order) each with synonyms, and templates in which {@code
 * CLASSNAME} is replaced by each synonym, as CONCH and open_clip build zero-shot classifiers.
 *
 * @param name short name, e.g. {@code demo-crc9}
 * @param description what the set is for
 * @param templates prompt templates, each containing {@link #PLACEHOLDER}
 * @param classes class id to synonyms, in file order
 */
public record PromptSet(
    String name, String description, List<String> templates, Map<String, List<String>> classes) {

  public static final String PLACEHOLDER = "CLASSNAME";

  public PromptSet {
    templates = List.copyOf(templates);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    classes.forEach((id, synonyms) -> copy.put(id, List.copyOf(synonyms)));
    classes = Collections.unmodifiableMap(copy);
  }

  /** Class ids in file order: the order of every probability vector. */
  public List<String> classIds() {
    return List.copyOf(classes.keySet());
  }

  /** Every synonym × template prompt of one class. */
  public List<String> prompts(String classId) {
    List<String> prompts = new ArrayList<>();
    for (String synonym : classes.get(classId)) {
      for (String template : templates) {
        prompts.add(template.replace(PLACEHOLDER, synonym));
      }
    }
    return prompts;
  }

  /**
   * SHA-256 over what decides the class embeddings: the templates and the classes with their
   * synonyms, in order. Name and description are left out, so renaming a set keeps its cache.
   */
  public String contentHash() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      // Length-prefixed strings: no two different sets share an encoding.
      update(digest, "templates:" + templates.size());
      templates.forEach(t -> update(digest, t));
      update(digest, "classes:" + classes.size());
      classes.forEach(
          (id, synonyms) -> {
            update(digest, id);
            update(digest, "synonyms:" + synonyms.size());
            synonyms.forEach(s -> update(digest, s));
          });
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private static void update(MessageDigest digest, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }
}
