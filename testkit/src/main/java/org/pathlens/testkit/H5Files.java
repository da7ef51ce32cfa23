package org.pathlens.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pathlens.fixtures.Fixtures;

/**
 * HDF5 files written by h5py ({@code fixtures/scripts/write_h5.py}), as TRIDENT and CLAM write
 * feature files, so that the readers are tested on the files real users have, not on files PathLens
 * wrote itself. Needs {@link TestData#pythonWithH5py}.
 */
public final class H5Files {

  private H5Files() {}

  /**
   * One dataset: its values as little-endian bytes of {@code dtype}, its shape, its chunk shape
   * (null: contiguous), its attributes (strings, integers or doubles).
   */
  public record Dataset(
      String dtype, long[] shape, byte[] raw, int[] chunks, Map<String, Object> attrs) {

    /** A float32 [N, D] dataset, chunked by {@code chunkRows} rows when positive. */
    public static Dataset float32(float[][] rows, int chunkRows, Map<String, Object> attrs) {
      int d = rows.length == 0 ? 0 : rows[0].length;
      ByteBuffer buffer =
          ByteBuffer.allocate(rows.length * d * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] row : rows) {
        for (float v : row) {
          buffer.putFloat(v);
        }
      }
      return new Dataset(
          "float32",
          new long[] {rows.length, d},
          buffer.array(),
          chunkRows > 0 ? new int[] {chunkRows, d} : null,
          attrs);
    }

    /** A float32 [D] dataset, contiguous (a slide's embedding, as TRIDENT writes it). */
    public static Dataset float32(float[] values, Map<String, Object> attrs) {
      ByteBuffer buffer =
          ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        buffer.putFloat(v);
      }
      return new Dataset("float32", new long[] {values.length}, buffer.array(), null, attrs);
    }

    /** An int64 [N, 2] dataset of (x, y), chunked by {@code chunkRows} rows when positive. */
    public static Dataset int64(long[][] rows, int chunkRows, Map<String, Object> attrs) {
      int d = rows.length == 0 ? 0 : rows[0].length;
      ByteBuffer buffer =
          ByteBuffer.allocate(rows.length * d * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (long[] row : rows) {
        for (long v : row) {
          buffer.putLong(v);
        }
      }
      return new Dataset(
          "int64",
          new long[] {rows.length, d},
          buffer.array(),
          chunkRows > 0 ? new int[] {chunkRows, d} : null,
          attrs);
    }

    /** The same values as float64 (a file whose coordinates are not integers). */
    public Dataset asFloat64() {
      if (!dtype.equals("int64")) {
        throw new IllegalArgumentException("only int64 datasets convert");
      }
      ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer out = ByteBuffer.allocate(raw.length).order(ByteOrder.LITTLE_ENDIAN);
      while (in.hasRemaining()) {
        out.putDouble(in.getLong());
      }
      return new Dataset("float64", shape, out.array(), chunks, attrs);
    }
  }

  /** Writes {@code out} with h5py, with {@code datasets} in their order. */
  public static Path write(Path out, Map<String, Dataset> datasets)
      throws IOException, InterruptedException {
    String python =
        TestData.pythonWithH5py()
            .orElseThrow(() -> new IllegalStateException("no Python with h5py and numpy"));
    Path work = Files.createTempDirectory("pathlens-h5-");
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Dataset> e : new LinkedHashMap<>(datasets).entrySet()) {
      Dataset d = e.getValue();
      Path raw = Files.write(work.resolve("d" + i++ + ".bin"), d.raw());
      entries.add(
          json(e.getKey())
              + ": {\"raw\": "
              + json(raw.toString())
              + ", \"dtype\": "
              + json(d.dtype())
              + ", \"shape\": "
              + java.util.Arrays.toString(d.shape())
              + ", \"chunks\": "
              + (d.chunks() == null ? "null" : java.util.Arrays.toString(d.chunks()))
              + ", \"attrs\": "
              + attrs(d.attrs())
              + "}");
    }
    Path spec =
        Files.writeString(
            work.resolve("spec.json"),
            "{\"out\": "
                + json(out.toAbsolutePath().toString())
                + ", \"datasets\": {"
                + String.join(", ", entries)
                + "}}",
            StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(
                python, Fixtures.dir().resolve("scripts/write_h5.py").toString(), spec.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("write_h5.py failed: " + output);
    }
    try (var files = Files.list(work)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(work);
    return out;
  }

  private static String attrs(Map<String, Object> attrs) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Object> e : attrs.entrySet()) {
      Object v = e.getValue();
      parts.add(
          json(e.getKey()) + ": " + (v instanceof Number ? v.toString() : json(v.toString())));
    }
    return "{" + String.join(", ", parts) + "}";
  }

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
