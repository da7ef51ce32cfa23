package org.pathlens.prompts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.pathlens.encoders.VisionLanguageModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-shot class embeddings per (bundle content hash, prompt-set content hash): encoding a large
 * prompt set with a large text tower takes seconds, and a server classifies with the same set again
 * and again. Kept in memory, and optionally in a directory so that the next process (a second
 * {@code pathlens classify}) skips the text encoder too.
 *
 * <p>A cache file carries the SHA-256 of what it holds (keys, class order, every embedding value):
 * a file that cannot be read, does not match its key or fails its hash is named in one warning,
 * recomputed and rewritten, never used. Swapped or negated rows still parse and have the right
 * shape; only the hash tells them from the encoder's output, and a stale or damaged cache must
 * never change a result, only cost the time to recompute it.
 */
public final class ClassEmbeddingCache {

  /** What class embeddings depend on: the bundle's weights and tokenizer, and the prompts. */
  public record Key(String bundleHash, String promptSetHash) {
    String fileName() {
      return bundleHash.substring(0, 16) + "-" + promptSetHash.substring(0, 16) + ".json";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(ClassEmbeddingCache.class);

  /** Names the format: files of earlier versions, without a content hash, are recomputed. */
  static final String FORMAT = "pathlens-class-embeddings-2";

  private final Map<Key, float[][]> memory = new ConcurrentHashMap<>();
  private final Optional<Path> dir;
  private final AtomicInteger computed = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

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

  /** How many cache files were found damaged, stale or foreign, and so recomputed. */
  public int rejectedCount() {
    return rejected.get();
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
      return Optional.of(parse(file, key, prompts));
    } catch (IOException | RuntimeException e) {
      rejected.incrementAndGet();
      LOG.warn(
          "class-embedding cache {} is not used (recomputed and rewritten): {}",
          file,
          e instanceof JsonProcessingException json
              ? "not JSON: " + json.getOriginalMessage().lines().findFirst().orElse("")
              : e.getMessage());
      return Optional.empty();
    }
  }

  /** The embeddings {@code file} holds, once it proved to be this key's, whole and unaltered. */
  private static float[][] parse(Path file, Key key, PromptSet prompts) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException(
          "format " + root.path("format") + ", not " + FORMAT + " (an earlier version's file)");
    }
    if (!key.bundleHash().equals(root.path("bundle_hash").asText())
        || !key.promptSetHash().equals(root.path("prompt_set_hash").asText())) {
      throw new IllegalArgumentException("it holds the entry of another bundle or prompt set");
    }
    List<String> classIds = prompts.classIds();
    if (!classIds.equals(JSON.convertValue(root.path("class_ids"), List.class))) {
      throw new IllegalArgumentException(
          "its classes " + root.path("class_ids") + " are not the prompt set's " + classIds);
    }
    JsonNode rows = root.path("embeddings");
    if (!rows.isArray() || rows.size() != classIds.size()) {
      throw new IllegalArgumentException(
          rows.size() + " embedding rows for " + classIds.size() + " classes");
    }
    float[][] embeddings = new float[rows.size()][];
    for (int c = 0; c < rows.size(); c++) {
      JsonNode row = rows.get(c);
      embeddings[c] = new float[row.size()];
      for (int i = 0; i < embeddings[c].length; i++) {
        if (!row.get(i).isNumber()) {
          throw new IllegalArgumentException("row " + c + " holds " + row.get(i));
        }
        embeddings[c][i] = row.get(i).floatValue();
      }
      if (embeddings[c].length == 0 || embeddings[c].length != embeddings[0].length) {
        throw new IllegalArgumentException(
            "dimension mismatch: row " + c + " has " + embeddings[c].length + " values");
      }
    }
    String expected = root.path("content_sha256").asText();
    if (expected.isEmpty()) {
      throw new IllegalArgumentException("it records no content hash");
    }
    String actual = contentHash(key, classIds, embeddings);
    if (!actual.equals(expected)) {
      throw new IllegalArgumentException(
          "content SHA-256 "
              + actual
              + " differs from the recorded "
              + expected
              + ": the file was altered");
    }
    return embeddings;
  }

  /**
   * SHA-256 of an entry's content: keys, class ids in order, then every row's values as float bits
   * (exact: a value that reads back to the same float hashes the same, however it was written).
   */
  static String contentHash(Key key, List<String> classIds, float[][] embeddings) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(key.bundleHash().getBytes(StandardCharsets.UTF_8));
      out.writeByte(0);
      out.write(key.promptSetHash().getBytes(StandardCharsets.UTF_8));
      out.writeByte(0);
      out.writeInt(classIds.size());
      for (String id : classIds) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
      for (float[] row : embeddings) {
        out.writeInt(row.length);
        for (float v : row) {
          out.writeInt(Float.floatToIntBits(v));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e); // a byte array does not fail
    }
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void writeFile(Key key, PromptSet prompts, float[][] embeddings) {
    if (dir.isEmpty()) {
      return;
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
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
    root.put("content_sha256", contentHash(key, prompts.classIds(), embeddings));
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
