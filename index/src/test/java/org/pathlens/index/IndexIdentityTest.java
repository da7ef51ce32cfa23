package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index's identity (what GeoJSON tile UUIDs derive from) is one string however the index is
 * named: relative or absolute, through a symbolic link, with {@code ..} in it.
 */
class IndexIdentityTest {

  @TempDir Path tmp;

  @Test
  void aDirectoryIsItsRealAbsolutePath() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("data/idx"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
    String identity = IndexLocation.of(dir).identity();
    assertEquals(dir.toRealPath().toString(), identity);
    assertEquals(identity, IndexLocation.of(link).identity());
    assertEquals(identity, IndexLocation.of(tmp.resolve("data/other/../idx")).identity());
    Path cwd = Path.of("").toAbsolutePath();
    assertEquals(identity, IndexLocation.of(cwd.relativize(dir.toAbsolutePath())).identity());
    assertNotEquals(
        identity, IndexLocation.of(Files.createDirectories(tmp.resolve("data/idx2"))).identity());
    // Not created yet: its absolute path, which it will keep once created (no link in between).
    assertEquals(
        tmp.toRealPath().resolve("new").toString(),
        IndexLocation.of(tmp.toRealPath().resolve("new")).identity());
  }

  @Test
  void aClusterIndexIsItsEndpointAndName() {
    assertEquals(
        "http://127.0.0.1:9200/tiles",
        IndexLocation.parse("http://127.0.0.1:9200/tiles").identity());
    assertEquals(
        "http://127.0.0.1:80/tiles", IndexLocation.parse("http://127.0.0.1/tiles/").identity());
  }
}
