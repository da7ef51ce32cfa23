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
}
