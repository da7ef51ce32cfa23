package org.pathlens.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.prompts.ClassEmbeddingCache;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.PromptSetReader;
import org.pathlens.prompts.ZeroShotClassifier;

/**
 * The prompt sets a client may name: the built-in sets, or the {@code *.json} files of one
 * directory by file name without {@code .json}. A client gives a name, never a path: only names
 * listed here resolve.
 */
final class PromptSets {

  private final Path dir;
  private final VisionLanguageModel model;
  private final ClassEmbeddingCache cache;
  private final Map<String, ZeroShotClassifier> classifiers = new ConcurrentHashMap<>();

  /**
   * @param dir a folder of prompt sets, or null for the built-in ones
   */
  PromptSets(Path dir, VisionLanguageModel model, ClassEmbeddingCache cache) {
    if (dir != null && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "--prompts-dir " + dir + ": not a directory of prompt sets");
    }
    this.dir = dir;
    this.model = model;
    this.cache = cache;
  }

  /** The names on offer, sorted. */
  List<String> names() {
    if (dir == null) {
      return PromptSetReader.builtInNames();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list prompt sets in " + dir, e);
    }
  }

  /**
   * The prompt set called {@code name}.
   *
   * @throws ApiException 400 naming {@code parameter} when no set has that name
   */
  PromptSet read(String name, String parameter) {
    if (name == null || name.isBlank()) {
      throw ApiException.badParameter(parameter, "give a prompt set name, one of " + names());
    }
    if (!names().contains(name)) {
      throw ApiException.badParameter(
          parameter, "no prompt set '" + name + "'; available: " + names());
    }
    return dir == null
        ? PromptSetReader.builtIn(name)
        : PromptSetReader.read(dir.resolve(name + ".json"));
  }

  /**
   * The zero-shot classifier of set {@code name}; encodes its prompts on first use (run it on the
   * pool).
   */
  ZeroShotClassifier classifier(String name, String parameter) {
    PromptSet prompts = read(name, parameter);
    // Keyed by content as well, so an edited file is picked up without a restart.
    return classifiers.computeIfAbsent(
        name + "#" + prompts.contentHash(), key -> cache.classifier(model, prompts));
  }
}
