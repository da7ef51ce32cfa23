package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    PromptSet set = PromptSetReader.read(write("""
        {"name": "t", "templates": ["CLASSNAME.", "an H&E image of CLASSNAME."],
         "classes": {"TUM": ["tumour", "carcinoma"], "ADI": ["fat"]}}"""));
    assertEquals(List.of("TUM", "ADI"), set.classIds());
    assertEquals(
        List.of("tumour.", "an H&E image of tumour.", "carcinoma.", "an H&E image of carcinoma."),
        set.prompts("TUM"));
  }

  @Test
  void templateWithoutPlaceholderIsNamed() throws IOException {
    Path file = write("{\"name\": \"t\", \"templates\": [\"CLASSNAME.\", \"an image.\"], \"classes\": {\"A\": [\"a\"], \"B\": [\"b\"]}}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertEquals(file + ": templates[1] \"an image.\" has no CLASSNAME placeholder", e.getMessage());
  }

  @Test
  void emptyClassIsNamed() throws IOException {
    Path file = write("{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": [\"a\"], \"B\": []}}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertTrue(e.getMessage().contains("class \"B\" has no synonyms"), e.getMessage());
  }

  @Test
  void duplicateClassIdIsAnError() throws IOException {
    Path file = write("{\"name\": \"t\", \"templates\": [\"CLASSNAME\"], \"classes\": {\"A\": [\"a\"], \"A\": [\"b\"]}}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertTrue(e.getMessage().contains("Duplicate field 'A'"), e.getMessage());
  }

  @Test
  void malformedJsonGivesTheLine() throws IOException {
    Path file = write("{\"name\": \"t\",\n \"templates\": [\"CLASSNAME\",]\n}");
    PromptSetException e = assertThrows(PromptSetException.class, () -> PromptSetReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": line 2"), e.getMessage());
  }

  @Test
  void everyCommittedSetLoads() throws IOException {
    List<Path> files;
    try (var list = Files.list(Fixtures.root().resolve("prompts/sets"))) {
      files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(files.size() >= 5, "prompt sets found: " + files);
    for (Path file : files) {
      PromptSet set = PromptSetReader.read(file);
      assertEquals(file.getFileName().toString(), set.name() + ".json", "a set's name is its file name");
      assertTrue(!set.description().isBlank(), file + " has a description");
      for (String id : set.classIds()) {
        int synonyms = set.classes().get(id).size();
        assertTrue(synonyms >= 3 && synonyms <= 6, file + ": class " + id + " has " + synonyms + " synonyms");
        assertEquals(synonyms, set.classes().get(id).stream().distinct().count(), file + ": repeated synonym in " + id);
      }
      assertEquals(set.templates().size(), set.templates().stream().distinct().count(), file + ": repeated template");
    }
  }

  @Test
  void committedSetsHaveTheirClasses() {
    Path sets = Fixtures.root().resolve("prompts/sets");
    assertEquals(List.of("ADI", "BACK", "DEB", "LYM", "MUC", "MUS", "NORM", "STR", "TUM"),
        PromptSetReader.read(sets.resolve("crc-nct9.json")).classIds());
    assertEquals(List.of("IDC", "ILC"), PromptSetReader.read(sets.resolve("breast-idc-ilc.json")).classIds());
    assertEquals(List.of("LUAD", "LUSC"), PromptSetReader.read(sets.resolve("lung-luad-lusc.json")).classIds());
    assertEquals(List.of("CCRCC", "PRCC", "CHRCC"),
        PromptSetReader.read(sets.resolve("kidney-ccrcc-prcc-chrcc.json")).classIds());
    for (String name : List.of("crc-nct9", "breast-idc-ilc", "lung-luad-lusc", "kidney-ccrcc-prcc-chrcc")) {
      int templates = PromptSetReader.read(sets.resolve(name + ".json")).templates().size();
      assertTrue(templates >= 8 && templates <= 12, name + " has " + templates + " templates");
    }
  }

  @Test
  void contentHashFollowsPromptsNotNames() {
    PromptSet a = new PromptSet("a", "one", List.of("CLASSNAME."), new java.util.LinkedHashMap<>(
        java.util.Map.of("X", List.of("x"))));
    PromptSet renamed = new PromptSet("b", "two", a.templates(), a.classes());
    PromptSet otherSynonym = new PromptSet("a", "one", a.templates(), java.util.Map.of("X", List.of("y")));
    PromptSet otherTemplate = new PromptSet("a", "one", List.of("CLASSNAME"), a.classes());
    assertEquals(a.contentHash(), renamed.contentHash());
    assertTrue(!a.contentHash().equals(otherSynonym.contentHash()));
    assertTrue(!a.contentHash().equals(otherTemplate.contentHash()));
    assertEquals(64, a.contentHash().length());
  }
}
