package org.pathlens.prompts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.pathlens.encoders.VisionLanguageModel;

/**
 * Zero-shot class embeddings per (bundle content hash, prompt-set content hash): encoding a large
 * prompt set with a large text tower takes seconds, and a server classifies with the same set again
 * and again. Kept in memory, and optionally in a directory so that the next process (a second
 * {@code pathlens classify}) skips the text encoder too.
 *
 * <p>A cache file that cannot be read or does not match its key is ignored and rewritten: a stale
 * or damaged cache must never change a result, only cost the time to recompute it.
 */
public final class ClassEmbeddingCache {

  /** What class embeddings depend on: the bundle's weights and tokenizer, and the prompts. */
  public record Key(String bundleHash, String promptSetHash) {
    String fileName() {
      return bundleHash.substring(0, 16) + "-" + promptSetHash.substring(0, 16) + ".json";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Key, float[][]> memory = new ConcurrentHashMap<>();
  private final Optional<Path> dir;
  private final AtomicInteger computed = new AtomicInteger();

  private ClassEmbeddingCache(Optional<Path> dir) {
    this.dir = dir;
  }

  public static ClassEmbeddingCache inMemory() {
    return new ClassEmbeddingCache(Optional.empty());
  }

  /** A cache that also keeps its entries as JSON files in {@code dir} (created when needed). */
  public static ClassEmbeddingCache inDirectory(Path dir) {
    return new ClassEmbeddingCache(Optional.of(dir));
  }

  /**
   * {@code $PATHLENS_CACHE}, else {@code $XDG_CACHE_HOME/pathlens}, else {@code ~/.cache/pathlens};
   * class embeddings go in its {@code class-embeddings/} folder.
   */
  public static Path defaultDirectory() {
    String own = System.getenv("PATHLENS_CACHE");
    if (own != null && !own.isBlank()) {
      return Path.of(own).resolve("class-embeddings");
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("pathlens").resolve("class-embeddings");
  }

  /** The zero-shot classifier of {@code prompts} on {@code model}, from the cache when it can. */
  public ZeroShotClassifier classifier(VisionLanguageModel model, PromptSet prompts) {
    float[][] embeddings =
        classEmbeddings(
            model.bundle().contentHash(),
            prompts,
            () -> PromptEmbeddings.encode(prompts, model.texts()).classEmbeddings());
    return new ZeroShotClassifier(prompts, embeddings, model.logitScale());
  }

  /** The class embeddings for this bundle and prompt set; {@code compute} runs on a miss only. */
  public float[][] classEmbeddings(
      String bundleHash, PromptSet prompts, Supplier<float[][]> compute) {
    Key key = new Key(bundleHash, prompts.contentHash());
    return memory.computeIfAbsent(
        key,
        k ->
            readFile(k, prompts)
                .orElseGet(
                    () -> {
                      float[][] embeddings = compute.get();
                      computed.incrementAndGet();
                      writeFile(k, prompts, embeddings);
                      return embeddings;
                    }));
  }

  /** How many times class embeddings had to be computed (neither memory nor disk had them). */
  public int computedCount() {
    return computed.get();
  }

  /** The file an entry is kept in, when this cache has a directory. */
  public Optional<Path> file(String bundleHash, PromptSet prompts) {
    return dir.map(d -> d.resolve(new Key(bundleHash, prompts.contentHash()).fileName()));
  }

  private Optional<float[][]> readFile(Key key, PromptSet prompts) {
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    Path file = dir.get().resolve(key.fileName());
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (!key.bundleHash().equals(root.path("bundle_hash").asText())
          || !key.promptSetHash().equals(root.path("prompt_set_hash").asText())
          || !JSON.convertValue(root.path("class_ids"), List.class).equals(prompts.classIds())) {
        return Optional.empty();
      }
      JsonNode rows = root.path("embeddings");
      float[][] embeddings = new float[rows.size()][];
      for (int c = 0; c < rows.size(); c++) {
        embeddings[c] = new float[rows.get(c).size()];
        for (int i = 0; i < embeddings[c].length; i++) {
          embeddings[c][i] = rows.get(c).get(i).floatValue();
        }
        if (embeddings[c].length == 0 || embeddings[c].length != embeddings[0].length) {
          return Optional.empty();
        }
      }
      return embeddings.length == prompts.classIds().size()
          ? Optional.of(embeddings)
          : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private void writeFile(Key key, PromptSet prompts, float[][] embeddings) {
    if (dir.isEmpty()) {
      return;
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("bundle_hash", key.bundleHash());
    root.put("prompt_set_hash", key.promptSetHash());
    root.put("prompt_set", prompts.name());
    prompts.classIds().forEach(root.putArray("class_ids")::add);
    ArrayNode rows = root.putArray("embeddings");
    for (float[] e : embeddings) {
      ArrayNode row = rows.addArray();
      for (float v : e) {
        row.add(v); // Jackson writes the shortest decimal that reads back as the same float
      }
    }
    try {
      Files.createDirectories(dir.get());
      // Another process may read or write the same entry: write aside, then move into place.
      Path tmp = Files.createTempFile(dir.get(), key.fileName(), ".tmp");
      JSON.writeValue(tmp.toFile(), root);
      Files.move(
          tmp,
          dir.get().resolve(key.fileName()),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // An unwritable cache directory only costs time next run; the result is unaffected.
    }
  }
}
