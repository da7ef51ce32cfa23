package org.pathlens.prompts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a prompt-set JSON file. Errors name the file and the place: the JSON line and column, the
 * template index, the class id.
 */
public final class PromptSetReader {

  // Duplicate class ids would otherwise silently keep the last one.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private PromptSetReader() {}

  public static PromptSet read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new PromptSetException(
          file,
          "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new PromptSetException(file, "cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new PromptSetException(file, "must hold a JSON object with \"name\", \"templates\" and \"classes\"");
    }
    String name = requireText(file, root, "name");
    String description = root.has("description") ? root.get("description").asText() : "";
    JsonNode templatesNode = root.get("templates");
    if (templatesNode == null || !templatesNode.isArray() || templatesNode.isEmpty()) {
      throw new PromptSetException(file, "\"templates\" must be a non-empty array of strings");
    }
    List<String> templates = new ArrayList<>();
    for (int i = 0; i < templatesNode.size(); i++) {
      String template = templatesNode.get(i).asText();
      if (!template.contains(PromptSet.PLACEHOLDER)) {
        throw new PromptSetException(
            file, "templates[" + i + "] \"" + template + "\" has no " + PromptSet.PLACEHOLDER + " placeholder");
      }
      templates.add(template);
    }
    JsonNode classesNode = root.get("classes");
    if (classesNode == null || !classesNode.isObject() || classesNode.isEmpty()) {
      throw new PromptSetException(file, "\"classes\" must be an object of class id -> [synonyms]");
    }
    Map<String, List<String>> classes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : classesNode.properties()) {
      JsonNode synonymsNode = entry.getValue();
      List<String> synonyms = new ArrayList<>();
      if (synonymsNode.isArray()) {
        synonymsNode.forEach(s -> {
          if (!s.asText().isBlank()) {
            synonyms.add(s.asText());
          }
        });
      }
      if (synonyms.isEmpty()) {
        throw new PromptSetException(file, "class \"" + entry.getKey() + "\" has no synonyms (a non-empty array of strings)");
      }
      classes.put(entry.getKey(), synonyms);
    }
    if (classes.size() < 2) {
      throw new PromptSetException(file, "a classifier needs at least 2 classes, found " + classes.keySet());
    }
    return new PromptSet(name, description, templates, classes);
  }

  private static String requireText(Path file, JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new PromptSetException(file, "\"" + field + "\" must be a non-empty string");
    }
    return node.asText();
  }
}
