package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No two slides share a GeoJSON file: the hashes below are the first 8 hex digits of the id's
 * SHA-256, as Python's {@code hashlib.sha256(id.encode()).hexdigest()[:8]} gives them.
 */
class GeoJsonFileNamesTest {

  @Test
  void anIdThatIsNoFileNameGetsItsHashAndNeverTakesAnothersName() {
    Map<String, GeoJsonFileNames.FileName> names =
        GeoJsonFileNames.of(List.of("case 1", "case_1", "S-2"));
    assertEquals(
        new GeoJsonFileNames.FileName("case_1-c60f415d.geojson", "its id is no plain file name"),
        names.get("case 1"));
    assertEquals(new GeoJsonFileNames.FileName("case_1.geojson", null), names.get("case_1"));
    assertEquals(new GeoJsonFileNames.FileName("S-2.geojson", null), names.get("S-2"));
    // Whatever else is classified with it, a slide keeps its name.
    assertEquals(
        "case_1-c60f415d.geojson", GeoJsonFileNames.of(List.of("case 1")).get("case 1").name());
  }

  @Test
  void idsThatDifferOnlyInCaseBothGetHashes() {
    Map<String, GeoJsonFileNames.FileName> names = GeoJsonFileNames.of(List.of("A", "a"));
    assertEquals("A-559aead0.geojson", names.get("A").name());
    assertEquals("a-ca978112.geojson", names.get("a").name());
    assertEquals("its id equals 'a' ignoring case", names.get("A").whyHashed());
  }

  @Test
  void nothingLeavesTheFolderOrHides() {
    assertEquals(
        "_._etc-f7f9121f.geojson", GeoJsonFileNames.of(List.of("../etc")).get("../etc").name());
  }

  @Test
  void namesThatStillMeetAreRefusedNamingBothSlides() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GeoJsonFileNames.of(List.of("case 1", "case_1-c60f415d")));
    assertEquals(
        "--geojson: slides 'case 1' and 'case_1-c60f415d' would both be written to"
            + " case_1-c60f415d.geojson; classify them into separate folders"
            + " (--filter \"slide_id:...\")",
        e.getMessage());
  }
}
