package org.pathlens.prompts.slides;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tile UUIDs are RFC 4122 version-5 UUIDs: the values below are Python's, {@code
 * uuid.uuid5(uuid.NAMESPACE_URL, "pathlens:tile:" + identity + "\0" + tile_id)} (CPython 3.11).
 */
class TileUuidsTest {

  @Test
  void areTheVersion5UuidsPythonComputes() {
    assertEquals(
        UUID.fromString("8ab0da49-8263-5c44-8ad9-fc343eccc897"),
        TileUuids.of("/data/idx", "S-1@0,0"));
    assertEquals(
        UUID.fromString("8c8b581c-6516-5871-9277-d71fab788229"),
        TileUuids.of("/data/idx", "S-1@0,224"));
    assertEquals(
        UUID.fromString("33296d40-b966-5661-b8af-621556a25765"),
        TileUuids.of("http://127.0.0.1:9200/tiles", "case 1@448,224"));
    UUID id = TileUuids.of("/data/idx", "S-1@0,0");
    assertEquals(5, id.version());
    assertEquals(2, id.variant()); // RFC 4122's
  }

  @Test
  void theSameTileOfAnotherIndexIsAnotherObject() {
    assertNotEquals(TileUuids.of("/data/idx", "S-1@0,0"), TileUuids.of("/data/idx2", "S-1@0,0"));
    // The separator keeps (index, tile) pairs apart that would read the same run together.
    assertNotEquals(TileUuids.of("/data/a", "bS-1@0,0"), TileUuids.of("/data/ab", "S-1@0,0"));
  }

  @Test
  void objectTypesAreQuPathsNames() {
    assertEquals("tile", QuPathObjectType.TILE.qupathName());
    assertEquals(QuPathObjectType.DETECTION, QuPathObjectType.of("detection"));
    assertEquals(QuPathObjectType.ANNOTATION, QuPathObjectType.of("annotation"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QuPathObjectType.of("cell"));
    assertTrue(e.getMessage().contains("tile, detection or annotation"), e.getMessage());
    assertTrue(e.getMessage().contains("'cell'"), e.getMessage());
  }
}
