package org.pathlens.prompts;

import java.util.ArrayList;
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
    classes = java.util.Collections.unmodifiableMap(copy);
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
}
