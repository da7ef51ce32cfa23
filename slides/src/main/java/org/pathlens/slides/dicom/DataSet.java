package org.pathlens.slides.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The elements of a DICOM data set (a file's, or a sequence item's) as parsed: values as their
 * little-endian bytes with their VR, sequences as lists of items. Read-only once parsed.
 */
public final class DataSet {
  private record Value(String vr, byte[] bytes) {}

  private final Map<Integer, Value> values = new HashMap<>();
  private final Map<Integer, List<DataSet>> sequences = new HashMap<>();

  void put(int tag, String vr, byte[] bytes) {
    values.put(tag, new Value(vr, bytes));
  }

  void putSequence(int tag, List<DataSet> items) {
    sequences.put(tag, List.copyOf(items));
  }

  public boolean contains(int tag) {
    return values.containsKey(tag) || sequences.containsKey(tag);
  }

  /** A text value without its padding (trailing spaces and NULs); the whole multi-value string. */
  public Optional<String> string(int tag) {
    Value v = values.get(tag);
    if (v == null) {
      return Optional.empty();
    }
    String s = new String(v.bytes(), StandardCharsets.ISO_8859_1);
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) {
      end--;
    }
    int start = 0;
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    return Optional.of(s.substring(start, end));
  }

  /** The values of a multi-valued text element (split at backslashes), each trimmed. */
  public List<String> strings(int tag) {
    return string(tag)
        .map(
            s ->
                s.isEmpty()
                    ? List.<String>of()
                    : Arrays.stream(s.split("\\\\", -1)).map(String::trim).toList())
        .orElse(List.of());
  }

  /**
   * The first value of an integer element: US/UL/SL/SS by its VR (in an implicit-VR file, by the
   * dictionary), IS as text.
   *
   * @throws DicomFormatException when the value is not an integer
   */
  public OptionalLong integer(int tag) throws DicomFormatException {
    Value v = values.get(tag);
    if (v == null || v.bytes().length == 0) {
      return OptionalLong.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(v.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    switch (v.vr()) {
      case "US":
        requireLength(tag, v, 2);
        return OptionalLong.of(Short.toUnsignedInt(b.getShort()));
      case "SS":
        requireLength(tag, v, 2);
        return OptionalLong.of(b.getShort());
      case "UL":
        requireLength(tag, v, 4);
        return OptionalLong.of(Integer.toUnsignedLong(b.getInt()));
      case "SL":
        requireLength(tag, v, 4);
        return OptionalLong.of(b.getInt());
      default:
        String text = strings(tag).stream().findFirst().orElse("");
        try {
          return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
          throw new DicomFormatException(
              Tags.name(tag) + " should be an integer, is '" + text + "'");
        }
    }
  }

  /** The values of a decimal string (DS) element. */
  public double[] decimals(int tag) throws DicomFormatException {
    List<String> texts = strings(tag);
    double[] out = new double[texts.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = Double.parseDouble(texts.get(i));
      } catch (NumberFormatException e) {
        throw new DicomFormatException(
            Tags.name(tag) + " should hold decimals, has '" + texts.get(i) + "'");
      }
    }
    return out;
  }

  /** The raw little-endian bytes of a binary element (OB, OV, …). */
  public Optional<byte[]> bytes(int tag) {
    return Optional.ofNullable(values.get(tag)).map(Value::bytes);
  }

  /** The items of a sequence; empty when absent. */
  public List<DataSet> sequence(int tag) {
    return sequences.getOrDefault(tag, List.of());
  }

  /** The first item of a sequence, when it has one. */
  public Optional<DataSet> item(int tag) {
    return sequence(tag).stream().findFirst();
  }

  private static void requireLength(int tag, Value v, int length) throws DicomFormatException {
    if (v.bytes().length < length) {
      throw new DicomFormatException(
          Tags.name(tag)
              + " ("
              + v.vr()
              + ") has "
              + v.bytes().length
              + " bytes, at least "
              + length
              + " expected");
    }
  }
}
