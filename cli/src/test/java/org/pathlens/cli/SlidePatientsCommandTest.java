package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * Slides get their patient at ingest, by the TCGA barcode rule or a table ({@code --patients}), and
 * patients are then searched as wholes ({@code search --level patient}); real slides from ../shared
 * (a TCGA slide and the CMU Aperio slide).
 */
class SlidePatientsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  private Path folder() throws IOException {
    Path slides = Fixtures.shared().map(s -> s.resolve("data/slides")).orElse(null);
    assumeTrue(slides != null && Files.isDirectory(slides), "../shared/data/slides missing");
    Path folder = Files.createDirectories(tmp.resolve("slides"));
    Files.copy(
        slides.resolve("TCGA-CR-7395-01A-01-TS1.svs"),
        folder.resolve("TCGA-CR-7395-01A-01-TS1.svs"));
    Files.copy(slides.resolve("CMU-1-Small-Region.svs"), folder.resolve("cmu-1.svs"));
    return folder;
  }

  private static CliRun ingest(Path folder, Path index, String patients) {
    return CliRun.of(
        "ingest",
        "--model",
        Fixtures.demoBundle().toString(),
        "--index",
        index.toString(),
        "--slides",
        folder.toString(),
        "--mpp-default",
        "0.5", // the TCGA slide records none
        "--patients",
        patients);
  }

  @Test
  void theTcgaRuleNamesThePatientAndAnotherSlideIsWarnedAbout() throws Exception {
    Path index = tmp.resolve("tcga");
    CliRun run = ingest(folder(), index, "tcga");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.err().contains("no patient for slide cmu-1 (its id is no TCGA barcode"), run.err());
    assertEquals(Set.of("TCGA-CR-7395"), patientsOfSlide(index, "TCGA-CR-7395-01A-01-TS1"));
    assertEquals(Set.of(), patientsOfSlide(index, "cmu-1"));

    CliRun search =
        CliRun.of(
            "search",
            "--model",
            Fixtures.demoBundle().toString(),
            "--index",
            index.toString(),
            "--text",
            "tumor",
            "--level",
            "patient");
    assertEquals(0, search.exitCode(), search.err());
    List<JsonNode> hits = new ArrayList<>();
    for (String line : search.outLines()) {
      hits.add(JSON.readTree(line));
    }
    assertEquals(1, hits.size(), search.out());
    assertEquals("TCGA-CR-7395", hits.getFirst().get("patient_id").asText());
    assertEquals(1, hits.getFirst().get("slides").asInt());
  }

  @Test
  void aTableGivesEverySlideItsPatient() throws Exception {
    Path folder = folder();
    Path table =
        Files.writeString(
            tmp.resolve("patients.csv"),
            "slide_id,patient_id\nTCGA-CR-7395-01A-01-TS1,P-1\ncmu-1.svs,P-2\n");
    Path index = tmp.resolve("table");
    CliRun run = ingest(folder, index, table.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertEquals(Set.of("P-1"), patientsOfSlide(index, "TCGA-CR-7395-01A-01-TS1"));
    assertEquals(Set.of("P-2"), patientsOfSlide(index, "cmu-1"));

    Path bad = Files.writeString(tmp.resolve("bad.csv"), "slide,who\ncmu-1,P-2\n");
    CliRun refused = ingest(folder, tmp.resolve("refused"), bad.toString());
    assertEquals(2, refused.exitCode());
    assertTrue(refused.err().contains(bad + ": --patients needs a slide column"), refused.err());
  }

  private static Set<String> patientsOfSlide(Path index, String slide) throws IOException {
    IndexLocation location = IndexLocation.of(index);
    Set<String> patients = new HashSet<>();
    try (TileIndex tiles =
        location.openForSearch(location.readProvenance().orElseThrow(), IndexSettings.defaults())) {
      tiles.forEachTile(
          TileFilter.slide(slide),
          t -> {
            if (t.record().patientId() != null) {
              patients.add(t.record().patientId());
            }
          });
    }
    return patients;
  }
}
