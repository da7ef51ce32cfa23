package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;

class PromptSetReaderTest {

  @TempDir Path tmp;

  private Path write(String json) throws IOException {
    Path file = tmp.resolve("set.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void readsClassesInFileOrderAndExpandsPrompts() throws IOException {
    PromptSet set =
        PromptSetReader.read(
            write(
                """
        {"name": "t", "templates": ["CLASSNAME.", "an H&E image of CLASSNAME."],
         "classes": {"TUM": ["tumour", "carcinoma"], "ADI": ["fat"]}}"""));
    assertEquals(List.of("TUM", "ADI"), set.classIds());
    assertEquals(
        List.of("tumour.", "an H&E image of tumour.", "carcinoma.", "an H&E image of carcinoma."),
        set.prompts("TUM"));
  }

  @Test
  void templateWithoutPlaceholderIsNamed() throws IOException {
    Path file =
        write(
            "{\"name\": \"t\", \"templates\": [\"CLASSNAME.\", \"an image.\"], \"classes\": {\"A\": [\"a\"], \"B\": [\"b\"]}}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertEquals(
        file + ": templates[1] \"an image.\" has no CLASSNAME placeholder", e.getMessage());
  }

  @Test
  void emptyClassIsNamed() throws IOException {
    Path file =
        write(
            "{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": [\"a\"], \"B\": []}}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertTrue(e.getMessage().contains("class \"B\" has no synonyms"), e.getMessage());
  }

  @Test
  void duplicateClassIdIsAnError() throws IOException {
    Path file =
        write(
            "{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": [\"a\"], \"A\": [\"b\"]}}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertTrue(e.getMessage().contains("Duplicate field 'A'"), e.getMessage());
  }

  @Test
  void malformedJsonGivesTheLine() throws IOException {
    Path file = write("{\"name\": \"t\",\n \"templates\": [\"CLASSNAME\",]\n}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": line 2"), e.getMessage());
  }

  private String error(String json) throws IOException {
    Path file = write(json);
    return assertThrows(PromptSetException.class, () -> PromptSetReader.read(file))
        .getMessage()
        .substring(file.toString().length() + 2);
  }

  @Test
  void eachFieldOfTheWrongShapeIsNamed() throws IOException {
    String classes = "\"classes\": {\"A\": [\"a\"], \"B\": [\"b\"]}";
    assertEquals(
        "must hold a JSON object with \"name\", \"templates\" and \"classes\"", error("[]"));
    assertEquals(
        "\"name\" must be a non-empty string",
        error("{\"name\": 5, \"templates\": [\"CLASSNAME\"], " + classes + "}"));
    assertEquals(
        "\"templates\" must be a non-empty array of strings",
        error("{\"name\": \"t\", \"templates\": \"CLASSNAME\", " + classes + "}"));
    assertEquals(
        "\"templates\" must be a non-empty array of strings",
        error("{\"name\": \"t\", \"templates\": [], " + classes + "}"));
    assertEquals(
        "templates[0] \"5\" has no CLASSNAME placeholder",
        error("{\"name\": \"t\", \"templates\": [5], " + classes + "}"));
    assertEquals(
        "\"classes\" must be an object of class id -> [synonyms]",
        error("{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": [\"A\", \"B\"]}"));
    assertEquals(
        "class \"A\" has no synonyms (a non-empty array of strings)",
        error(
            "{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": \"a\", \"B\": [\"b\"]}}"));
    assertEquals(
        "a classifier needs at least 2 classes, found [A]",
        error("{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": [\"a\"]}}"));
  }

  @Test
  void ofSeveralFaultsTheNameThenTheTemplatesThenTheClassesAreNamed() throws IOException {
    assertEquals(
        "\"name\" must be a non-empty string",
        error("{\"classes\": 5, \"templates\": 5, \"name\": \"\"}"));
    assertEquals(
        "\"templates\" must be a non-empty array of strings",
        error("{\"classes\": 5, \"templates\": {}, \"name\": \"t\"}"));
  }

  @Test
  void aMissingDescriptionIsEmptyAndBlankSynonymsAreDropped() throws IOException {
    PromptSet set =
        PromptSetReader.read(
            write(
                "{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": [\"a\", \" \"], \"B\": [\"b\"]}}"));
    assertEquals("", set.description());
    assertEquals(List.of("a"), set.classes().get("A"));
  }

  @Test
  void everyBuiltInSetLoadsFromTheClassPathAndTheIndexListsThemAll() throws IOException {
    List<String> files;
    try (var list =
        Files.list(
            Fixtures.root().resolve("prompts/src/main/resources/org/pathlens/prompts/sets"))) {
      files =
          list.map(f -> f.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .map(n -> n.substring(0, n.length() - ".json".length()))
              .sorted()
              .toList();
    }
    assertEquals(
        files, PromptSetReader.builtInNames(), "sets/index.txt must list every built-in set");
    assertTrue(files.size() >= 5, "prompt sets found: " + files);
    for (String name : files) {
      PromptSet set = PromptSetReader.builtIn(name);
      assertEquals(name, set.name(), "a set's name is its file name");
      assertTrue(!set.description().isBlank(), name + " has a description");
      for (String id : set.classIds()) {
        int synonyms = set.classes().get(id).size();
        assertTrue(
            synonyms >= 3 && synonyms <= 6,
            name + ": class " + id + " has " + synonyms + " synonyms");
        assertEquals(
            synonyms,
            set.classes().get(id).stream().distinct().count(),
            name + ": repeated synonym in " + id);
      }
      assertEquals(
          set.templates().size(),
          set.templates().stream().distinct().count(),
          name + ": repeated template");
    }
  }

  @Test
  void aNameOrAFileResolvesAndAnythingElseIsNamed() throws IOException {
    assertEquals("demo-crc9", PromptSetReader.resolve(Path.of("demo-crc9")).name());
    Path file = tmp.resolve("mine.json");
    Files.writeString(
        file,
        "{\"name\": \"mine\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": [\"a\"], \"B\": [\"b\"]}}");
    assertEquals("mine", PromptSetReader.resolve(file).name());
    PromptSetException e =
        assertThrows(
            PromptSetException.class, () -> PromptSetReader.resolve(Path.of("no-such-set")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "no-such-set: no such file, and no built-in prompt set of that name (built in: ["),
        e.getMessage());
  }

  @Test
  void committedSetsHaveTheirClasses() {
    Path sets = Fixtures.root().resolve("prompts/src/main/resources/org/pathlens/prompts/sets");
    assertEquals(
        PromptSetReader.read(sets.resolve("crc-nct9.json")), PromptSetReader.builtIn("crc-nct9"));
    assertEquals(
        List.of("ADI", "BACK", "DEB", "LYM", "MUC", "MUS", "NORM", "STR", "TUM"),
        PromptSetReader.read(sets.resolve("crc-nct9.json")).classIds());
    assertEquals(
        List.of("IDC", "ILC"),
        PromptSetReader.read(sets.resolve("breast-idc-ilc.json")).classIds());
    assertEquals(
        List.of("LUAD", "LUSC"),
        PromptSetReader.read(sets.resolve("lung-luad-lusc.json")).classIds());
    assertEquals(
        List.of("CCRCC", "PRCC", "CHRCC"),
        PromptSetReader.read(sets.resolve("kidney-ccrcc-prcc-chrcc.json")).classIds());
    for (String name :
        List.of("crc-nct9", "breast-idc-ilc", "lung-luad-lusc", "kidney-ccrcc-prcc-chrcc")) {
      int templates = PromptSetReader.read(sets.resolve(name + ".json")).templates().size();
      assertTrue(templates >= 8 && templates <= 12, name + " has " + templates + " templates");
    }
  }

  @Test
  void contentHashFollowsPromptsNotNames() {
    PromptSet a =
        new PromptSet(
            "a", "one", List.of("CLASSNAME."), new LinkedHashMap<>(Map.of("X", List.of("x"))));
    PromptSet renamed = new PromptSet("b", "two", a.templates(), a.classes());
    PromptSet otherSynonym = new PromptSet("a", "one", a.templates(), Map.of("X", List.of("y")));
    PromptSet otherTemplate = new PromptSet("a", "one", List.of("CLASSNAME"), a.classes());
    assertEquals(a.contentHash(), renamed.contentHash());
    assertTrue(!a.contentHash().equals(otherSynonym.contentHash()));
    assertTrue(!a.contentHash().equals(otherTemplate.contentHash()));
    assertEquals(64, a.contentHash().length());
  }
}
