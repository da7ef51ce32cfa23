package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.PyramidTiffWriter;
import org.pathlens.fixtures.synth.SyntheticSlide;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueDetector;

/**
 * A slide id stands for one file: two different files named {@code slide.tiff} in two folders are
 * never mixed under slide {@code slide} (the second is refused, or replaces the first with {@code
 * --replace}), a moved file keeps its tiles without a re-embedding, and another tiling of the same
 * file is refused rather than left beside the first grid.
 */
class SlideIdentityTest {
  @TempDir static Path folders;
  @TempDir Path indexDir;
  private static VisionLanguageModel model;
  private static Path first, second;

  @BeforeAll
  static void twoSlidesOfOneNameAndTheModel() throws IOException {
    first = write(folders.resolve("a/slide.tiff"), 11);
    second = write(folders.resolve("b/slide.tiff"), 29);
    model =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
  }

  private static Path write(Path file, long seed) throws IOException {
    Files.createDirectories(file.getParent());
    return SyntheticSlide.write(
            file,
            new SyntheticSlide.Options(
                1024, 768, "center-a", 5, seed, PyramidTiffWriter.Compression.JPEG, 2))
        .slide();
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  private TileIndex openIndex() throws IOException {
    return TileIndex.open(indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults());
  }

  private SlideIngest ingest(TilingOptions tiling) {
    return new SlideIngest(model.images(), tiling, TissueDetector.defaults(), 8, 2, 128);
  }

  @Test
  void anotherFileUnderTheSameIdIsRefusedOrReplacesItWhole() throws IOException {
    long firstTiles;
    try (TileIndex index = openIndex()) {
      firstTiles =
          ingest(TilingOptions.defaults())
              .ingest(List.of(first), index, IngestListener.NONE)
              .tiles();
      assertTrue(firstTiles > 0);

      IngestSummary refused =
          ingest(TilingOptions.defaults()).ingest(List.of(second), index, IngestListener.NONE);
      assertEquals(0, refused.tiles());
      assertEquals(1, refused.skipped().size());
      String reason = refused.skipped().getFirst().reason();
      assertTrue(
          reason.contains("slide id slide already stands for another file, " + first), reason);
      assertTrue(reason.contains("--replace"), reason);
      assertEquals(firstTiles, index.size(), "nothing of the refused file was written");
      assertEquals(Set.of(first.toString()), sources(index));
      assertEquals(first.toString(), SlideRecord.read(indexDir, "slide").path());
    }
    assertTrue(IndexLocation.of(indexDir).check().ok());

    try (TileIndex index = openIndex()) {
      IngestSummary replaced =
          ingest(TilingOptions.defaults())
              .withReplace(true)
              .ingest(List.of(second), index, IngestListener.NONE);
      assertEquals(List.of(), replaced.skipped());
      assertEquals(replaced.tiles(), index.size(), "the first file's tiles are gone");
      assertEquals(Set.of(second.toString()), sources(index));
      SlideRecord record = SlideRecord.read(indexDir, "slide");
      assertEquals(second.toString(), record.path());
      assertEquals(replaced.tiles(), record.tiles());
    }
    IndexCheckReport check = IndexLocation.of(indexDir).check();
    assertTrue(check.ok(), check.problems().toString());
  }

  @Test
  void aMovedFileKeepsItsTilesAndAnotherTilingIsRefused() throws IOException {
    Path moved = folders.resolve("moved/slide.tiff");
    long tiles;
    try (TileIndex index = openIndex()) {
      tiles =
          ingest(TilingOptions.defaults())
              .ingest(List.of(first), index, IngestListener.NONE)
              .tiles();
    }
    Files.createDirectories(moved.getParent());
    Files.copy(first, moved);
    try (TileIndex index = openIndex()) {
      IngestSummary again =
          ingest(TilingOptions.defaults()).ingest(List.of(moved), index, IngestListener.NONE);
      assertEquals(0, again.tiles(), "no tile embedded again");
      assertEquals(tiles, again.unchanged());
      assertEquals(Set.of(moved.toString()), sources(index));
      assertEquals(moved.toString(), SlideRecord.read(indexDir, "slide").path());

      IngestSummary coarser =
          ingest(TilingOptions.defaults().withMpp(1.0))
              .ingest(List.of(moved), index, IngestListener.NONE);
      assertEquals(1, coarser.skipped().size());
      assertTrue(
          coarser.skipped().getFirst().reason().contains("cut into 224 px tiles at 0.5000 µm/px"),
          coarser.skipped().getFirst().reason());
      assertEquals(tiles, index.size());
    }
    IndexCheckReport check = IndexLocation.of(indexDir).check();
    assertTrue(check.ok(), check.problems().toString());
  }

  private static Set<String> sources(TileIndex index) throws IOException {
    Set<String> sources = new HashSet<>();
    index.forEachTile(TileFilter.ALL, tile -> sources.add(tile.record().source()));
    return sources;
  }
}
