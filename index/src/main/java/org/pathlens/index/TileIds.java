package org.pathlens.index;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable tile ids, so that re-running an ingest replaces tiles instead of duplicating them: a tile
 * cut from a slide is identified by the slide and its level-0 position, a loose tile file by a hash
 * of its bytes.
 */
public final class TileIds {

  private TileIds() {}

  /** {@code slide@x,y}, e.g. {@code S-001@4480,2240}. */
  public static String ofPosition(String slideId, int x, int y) {
    if (slideId == null || slideId.isBlank()) {
      throw new IllegalArgumentException(
          "a tile id from a position needs a slide id (x=" + x + ", y=" + y + ")");
    }
    return slideId + "@" + x + "," + y;
  }

  /** {@code sha256:} and the first 128 bits of the SHA-256 of the tile's bytes, in hex. */
  public static String ofContent(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
