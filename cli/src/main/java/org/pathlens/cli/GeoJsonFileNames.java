package org.pathlens.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The file each slide's GeoJSON goes to in {@code classify --geojson DIR}, chosen so that no two
 * slides share one. A slide id that is a plain file name gives {@code <id>.geojson}. An id with
 * characters a file name cannot safely hold ({@code case 1}, {@code a/b}) has them replaced by
 * {@code _} and the first 8 hex digits of its SHA-256 appended ({@code case_1-<hash>.geojson}), so
 * it never takes the name of slide {@code case_1}; so do plain ids that equal each other ignoring
 * case (macOS and Windows folders do not tell {@code A.geojson} from {@code a.geojson}). Names that
 * still meet are refused before anything is written.
 */
final class GeoJsonFileNames {

  private GeoJsonFileNames() {}

  /** The file name of each slide id, in the order given. */
  static Map<String, FileName> of(List<String> slideIds) {
    // Plain ids keep their own name unless another plain id's equals it ignoring case.
    Map<String, List<String>> plainNames = new HashMap<>();
    for (String id : slideIds) {
      if (isPlain(id)) {
        plainNames.computeIfAbsent(folded(id), k -> new ArrayList<>()).add(id);
      }
    }
    Map<String, FileName> names = new LinkedHashMap<>();
    Map<String, String> taken = new HashMap<>();
    for (String id : slideIds) {
      String why = null;
      if (!isPlain(id)) {
        why = "its id is no plain file name";
      } else if (plainNames.get(folded(id)).size() > 1) {
        why =
            "its id equals "
                + plainNames.get(folded(id)).stream()
                    .filter(other -> !other.equals(id))
                    .map(other -> "'" + other + "'")
                    .collect(Collectors.joining(", "))
                + " ignoring case";
      }
      String name = (why != null ? plain(id) + "-" + shortHash(id) : id) + ".geojson";
      String other = taken.putIfAbsent(folded(name), id);
      if (other != null) {
        throw new IllegalArgumentException(
            "--geojson: slides '"
                + other
                + "' and '"
                + id
                + "' would both be written to "
                + name
                + "; classify them into separate folders (--filter \"slide_id:...\")");
      }
      names.put(id, new FileName(name, why));
    }
    return names;
  }

  /**
   * A slide's file name, and why a hash of the id was appended (null where it was not), so that the
   * user is told which file is whose.
   */
  record FileName(String name, String whyHashed) {

    boolean hashed() {
      return whyHashed != null;
    }
  }

  /** Whether {@code id} is a file name as it is: {@link #plain} leaves it alone. */
  private static boolean isPlain(String id) {
    return !id.isEmpty() && plain(id).equals(id);
  }

  /** The id with everything but letters, digits and {@code . _ @ , + -} replaced by {@code _}. */
  private static String plain(String id) {
    String plain = id.replaceAll("[^A-Za-z0-9._@,+-]", "_");
    // "." and ".." would name folders, and a leading dot hides the file.
    return plain.startsWith(".") ? "_" + plain.substring(1) : plain;
  }

  private static String folded(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static String shortHash(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256, which every JVM must provide", e);
    }
  }
}
