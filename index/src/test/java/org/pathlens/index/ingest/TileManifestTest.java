package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TileManifestTest {
  @TempDir Path dir;

  @Test
  void tileIdWinsOverThePathAndEmptyFieldsAreUnknown() throws IOException {
    Path csv = dir.resolve("m.csv");
    Files.writeString(
        csv, "path,tile_id,x,y,mpp,label\nsub/a.png,T-1,448,224,0.5,\nsub/b.png,,,,,TUM\n");
    List<TileManifest.Entry> entries = TileManifest.read(csv, dir);
    assertEquals("T-1", entries.get(0).tile().id());
    assertEquals(448, entries.get(0).tile().x());
    assertEquals(null, entries.get(0).tile().label());
    assertEquals("sub/b.png", entries.get(1).tile().id());
    assertEquals(null, entries.get(1).tile().x());
    assertEquals(
        dir.resolve("sub/b.png").toAbsolutePath().normalize().toString(),
        entries.get(1).tile().source());
  }

  @Test
  void badValuesNameTheFileRowAndColumn() throws IOException {
    Path csv = dir.resolve("m.csv");
    Files.writeString(csv, "path,x\na.png,12\nb.png,twelve\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TileManifest.read(csv, dir));
    assertTrue(
        e.getMessage().contains("m.csv: row 3: column x must be a whole number"), e.getMessage());

    Files.writeString(csv, "file,label\na.png,TUM\n");
    e = assertThrows(IllegalArgumentException.class, () -> TileManifest.read(csv, dir));
    assertTrue(e.getMessage().contains("no 'path' column"), e.getMessage());

    Files.writeString(csv, "path,source\na.png,x\n");
    e = assertThrows(IllegalArgumentException.class, () -> TileManifest.read(csv, dir));
    assertTrue(e.getMessage().contains("column 'source' is set by the ingest"), e.getMessage());
  }
}
