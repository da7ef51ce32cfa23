package org.pathlens.prompts.slides;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * A tile's UUID in GeoJSON exports: name-based (RFC 4122 version 5, SHA-1) from the index's {@link
 * org.pathlens.index.IndexLocation#identity() identity} and the tile id, so every export of the
 * same index (the CLI's, the API's, today's and next month's) gives a tile the same UUID and QuPath
 * keeps its objects apart from other indexes' tiles. Python's {@code uuid.uuid5(uuid.NAMESPACE_URL,
 * "pathlens:tile:" + identity + "\0" + tile_id)} gives the same value.
 */
public final class TileUuids {

  /** RFC 4122's URL namespace (Appendix C), as Python's {@code uuid.NAMESPACE_URL}. */
  static final UUID NAMESPACE_URL = UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8");

  private TileUuids() {}

  /**
   * The UUID of tile {@code tileId} of the index {@code indexIdentity}. NUL separates the two: no
   * path, URL or tile id holds one, so no two pairs give the same name.
   */
  public static UUID of(String indexIdentity, String tileId) {
    return nameBased(NAMESPACE_URL, "pathlens:tile:" + indexIdentity + "\0" + tileId);
  }

  /** RFC 4122 §4.3 with SHA-1: version 5, the RFC 4122 variant. */
  static UUID nameBased(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1, which every JVM must provide", e);
    }
    sha1.update(
        ByteBuffer.allocate(16)
            .putLong(namespace.getMostSignificantBits())
            .putLong(namespace.getLeastSignificantBits())
            .array());
    byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
    return new UUID(bits.getLong(), bits.getLong());
  }
}
