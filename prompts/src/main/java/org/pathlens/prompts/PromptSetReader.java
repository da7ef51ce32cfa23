package org.pathlens.prompts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathlens.encoders.json.TreeBinding;

/**
 * Reads a prompt-set JSON file. Errors name the file and the place: the JSON line and column, the
 * template index, the class id.
 */
public final class PromptSetReader {

  // Duplicate class ids would otherwise silently keep the last one.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * A prompt-set file as written, null where a key is missing or its value of the wrong JSON type
   * (see {@link TreeBinding}). The description, templates and synonyms are nodes, read as text as
   * they always were: a template 5 is reported as "5", a synonym 5 is kept as "5".
   */
  private record Json(
      String name,
      JsonNode description,
      List<JsonNode> templates,
      Map<String, List<JsonNode>> classes) {}

  private PromptSetReader() {}

  /** The built-in sets' folder on the class path, with {@value #INDEX} listing their names. */
  static final String BUILT_IN = "/org/pathlens/prompts/sets/";

  static final String INDEX = "index.txt";

  /** Reads a prompt-set file. */
  public static PromptSet read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new PromptSetException(file, "cannot be read: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /** The names of the prompt sets PathLens ships, sorted (read once, from {@value #INDEX}). */
  public static List<String> builtInNames() {
    return BuiltInNames.NAMES;
  }

  /** Reads the index on first use: every API request that names a set asks for the list. */
  private static final class BuiltInNames {
    static final List<String> NAMES = read();

    private static List<String> read() {
      try (InputStream in = PromptSetReader.class.getResourceAsStream(BUILT_IN + INDEX)) {
        if (in == null) {
          throw new IllegalStateException(
              "the built-in prompt sets are missing from the class path (" + BUILT_IN + ")");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .map(String::strip)
            .filter(n -> !n.isEmpty())
            .sorted()
            .toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the built-in prompt sets", e);
      }
    }
  }

  /** A prompt set PathLens ships, by name (e.g. {@code demo-crc9}). */
  public static PromptSet builtIn(String name) {
    if (!builtInNames().contains(name)) {
      throw new PromptSetException(
          "prompt set " + name, "no such built-in prompt set; built in: " + builtInNames());
    }
    try (InputStream in = PromptSetReader.class.getResourceAsStream(BUILT_IN + name + ".json")) {
      return parse(
          "built-in prompt set " + name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read built-in prompt set " + name, e);
    }
  }

  /**
   * A prompt set given on a command line or in a config: a file when one exists at {@code
   * fileOrName}, else the built-in set of that name (a bare name such as {@code crc-nct9}).
   */
  public static PromptSet resolve(Path fileOrName) {
    if (Files.exists(fileOrName)) {
      return read(fileOrName);
    }
    String name = fileOrName.getFileName() == null ? "" : fileOrName.getFileName().toString();
    if (fileOrName.getNameCount() == 1 && builtInNames().contains(name)) {
      return builtIn(name);
    }
    throw new PromptSetException(
        fileOrName,
        "no such file, and no built-in prompt set of that name (built in: " + builtInNames() + ")");
  }

  /** Parses a prompt set's JSON; {@code source} names it in errors. */
  static PromptSet parse(String file, String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new PromptSetException(
          file,
          "line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new PromptSetException(
          file, "must hold a JSON object with \"name\", \"templates\" and \"classes\"");
    }
    Json json = TreeBinding.bind((ObjectNode) root, Json.class);
    if (json.name() == null || json.name().isBlank()) {
      throw new PromptSetException(file, "\"name\" must be a non-empty string");
    }
    String description = json.description() == null ? "" : json.description().asText();
    if (json.templates() == null || json.templates().isEmpty()) {
      throw new PromptSetException(file, "\"templates\" must be a non-empty array of strings");
    }
    List<String> templates = json.templates().stream().map(JsonNode::asText).toList();
    for (int i = 0; i < templates.size(); i++) {
      if (!templates.get(i).contains(PromptSet.PLACEHOLDER)) {
        throw new PromptSetException(
            file,
            "templates["
                + i
                + "] \""
                + templates.get(i)
                + "\" has no "
                + PromptSet.PLACEHOLDER
                + " placeholder");
      }
    }
    if (json.classes() == null || json.classes().isEmpty()) {
      throw new PromptSetException(file, "\"classes\" must be an object of class id -> [synonyms]");
    }
    Map<String, List<String>> classes = new LinkedHashMap<>();
    json.classes()
        .forEach(
            (id, nodes) -> {
              List<String> synonyms =
                  nodes == null
                      ? List.of()
                      : nodes.stream().map(JsonNode::asText).filter(s -> !s.isBlank()).toList();
              if (synonyms.isEmpty()) {
                throw new PromptSetException(
                    file, "class \"" + id + "\" has no synonyms (a non-empty array of strings)");
              }
              classes.put(id, synonyms);
            });
    if (classes.size() < 2) {
      throw new PromptSetException(
          file, "a classifier needs at least 2 classes, found " + classes.keySet());
    }
    return new PromptSet(json.name(), description, templates, classes);
  }
}
