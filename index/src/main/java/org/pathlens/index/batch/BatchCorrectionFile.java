package org.pathlens.index.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link BatchCorrection} as the JSON file an index keeps beside its Lucene files. The file is
 * named after its content's SHA-256 ({@code batch-correction-<12 hex>.json}) and the index's commit
 * records name and hash: a new fit writes a new file before the commit that switches to it, so a
 * crash in between leaves the old commit with its old, intact file.
 */
public final class BatchCorrectionFile {

  public static final String PREFIX = "batch-correction-";

  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchCorrectionFile() {}

  /** A written file: its name in the index directory and its content's SHA-256 (hex). */
  public record Written(String name, String sha256) {}

  /** Writes the parameters into {@code dir} (atomically) and returns the file's name and hash. */
  public static Written write(Path dir, BatchCorrection correction) throws IOException {
    byte[] bytes = toJson(correction);
    String sha = sha256(bytes);
    String name = PREFIX + sha.substring(0, 12) + ".json";
    Path tmp = Files.createTempFile(dir, PREFIX, ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(
          tmp,
          dir.resolve(name),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Written(name, sha);
  }

  /**
   * Reads {@code dir/name}, checking its hash against the one the index recorded.
   *
   * @throws IllegalStateException if the file is missing, altered or malformed
   */
  public static BatchCorrection read(Path dir, String name, String expectedSha256)
      throws IOException {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "index "
              + dir
              + " records the batch correction "
              + name
              + " but the file is missing: run pathlens index batch-correct again (or --remove)");
    }
    byte[] bytes = Files.readAllBytes(file);
    String sha = sha256(bytes);
    if (!sha.equals(expectedSha256)) {
      throw new IllegalStateException(
          file
              + ": SHA-256 "
              + sha
              + " differs from the "
              + expectedSha256
              + " the index recorded: the file was altered; run pathlens index batch-correct again");
    }
    try {
      return fromJson(bytes);
    } catch (RuntimeException e) {
      throw new IllegalStateException(file + ": not a batch correction file: " + e.getMessage(), e);
    }
  }

  public static byte[] toJson(BatchCorrection c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", "pathlens-batch-correction-1");
    root.put("method", c.method().id());
    root.put("by", c.by());
    root.put("dimension", c.dimension());
    root.set("mean", array(c.mean()));
    root.set("scale", array(c.scale()));
    ObjectNode batches = root.putObject("batches");
    c.batches()
        .forEach(
            (name, b) -> {
              ObjectNode node = batches.putObject(name);
              node.put("tiles", b.tiles());
              node.put("iterations", b.iterations());
              node.set("gamma", array(b.gamma()));
              node.set("delta", array(b.delta()));
            });
    try {
      return JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(root)
          .concat("\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static BatchCorrection fromJson(byte[] bytes) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    SortedMap<String, BatchCorrection.Batch> batches = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = required(root, "batches").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode b = e.getValue();
      batches.put(
          e.getKey(),
          new BatchCorrection.Batch(
              required(b, "tiles").asLong(),
              doubles(required(b, "gamma")),
              doubles(required(b, "delta")),
              b.path("iterations").asInt(0)));
    }
    BatchCorrection c =
        new BatchCorrection(
            required(root, "by").asText(),
            ComBat.Method.parse(required(root, "method").asText()),
            doubles(required(root, "mean")),
            doubles(required(root, "scale")),
            batches);
    if (required(root, "dimension").asInt() != c.dimension()) {
      throw new IllegalArgumentException(
          "dimension " + root.get("dimension") + " but " + c.dimension() + " means");
    }
    return c;
  }

  private static ArrayNode array(double[] values) {
    ArrayNode out = JSON.createArrayNode();
    for (double v : values) {
      out.add(v); // Jackson writes the shortest decimal that reads back to the same double
    }
    return out;
  }

  private static double[] doubles(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("expected an array of numbers, got " + array);
    }
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).doubleValue();
    }
    return out;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field " + field);
    }
    return v;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
