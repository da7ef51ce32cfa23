package org.pathlens.index.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.ImageFiles;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.fixtures.synth.ManifestRow;
import org.pathlens.fixtures.synth.SyntheticTiles;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/** Tile folders with and without a manifest, embedded by the demo bundle. */
class TileFolderIngestTest {
  @TempDir static Path tiles;
  @TempDir Path indexDir;
  private static VisionLanguageModel model;
  private static Path manifest;

  @BeforeAll
  static void generateTilesAndLoadModel() throws IOException {
    // 9 classes x 2 centers x 2 tiles: 36 tiles, 4 of each class.
    manifest = SyntheticTiles.write(tiles, new SyntheticTiles.Options(2, 2, 3, 224, 2)).manifest();
    model =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults().withThreads(2));
  }

  @AfterAll
  static void closeModel() {
    model.close();
  }

  private TileIndex openIndex() throws IOException {
    // Small commits, so an ingest spans several of them.
    return TileIndex.open(
        indexDir, IndexProvenance.of(model.bundle()), IndexSettings.defaults().withCommitSize(10));
  }

  private TileFolderIngest ingest() {
    return new TileFolderIngest(
        model.images(), new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS), 8, 2);
  }

  @Test
  void manifestMetadataIsSearchableAndReingestAddsNoDuplicates() throws IOException {
    try (TileIndex index = openIndex()) {
      List<Long> indexed = new ArrayList<>();
      IngestSummary first =
          ingest()
              .ingest(
                  tiles,
                  manifest,
                  index,
                  new IngestListener() {
                    @Override
                    public void indexed(int n) {
                      indexed.add((long) n);
                    }
                  });
      assertEquals(36, first.tiles());
      assertEquals(36, indexed.stream().mapToLong(Long::longValue).sum());
      assertTrue(first.skipped().isEmpty(), first.skipped().toString());
      assertEquals(36, index.size());

      float[] fat = model.texts().encode("large empty fat cells");
      List<SearchHit> hits = index.search(fat, 4, TileFilter.ALL);
      assertEquals(
          List.of("ADI", "ADI", "ADI", "ADI"), hits.stream().map(h -> h.tile().label()).toList());

      List<SearchHit> centerA = index.search(fat, 36, TileFilter.parse("site:center-a"));
      assertEquals(18, centerA.size());
      assertTrue(centerA.stream().allMatch(h -> h.tile().site().equals("center-a")));
      assertEquals("ADI", centerA.getFirst().tile().label());

      TileRecord tile = hits.getFirst().tile();
      assertTrue(Files.isRegularFile(Path.of(tile.source())), tile.source());
      assertEquals(0.5, tile.mpp());

      IngestSummary again = ingest().ingest(tiles, manifest, index, IngestListener.NONE);
      assertEquals(0, again.tiles(), "every tile is in the index unchanged");
      assertEquals(36, again.unchanged());
      assertEquals(36, index.size());

      IngestSummary reembedded =
          ingest()
              .withExistingTiles(ExistingTiles.REEMBED)
              .ingest(tiles, manifest, index, IngestListener.NONE);
      assertEquals(36, reembedded.tiles());
      assertEquals(0, reembedded.unchanged());
      assertEquals(36, index.size(), "re-embedded tiles replace their copies by id");
    }
  }

  /**
   * A tile whose manifest row changed is embedded again with its new metadata; the others are kept.
   */
  @Test
  void tilesWhoseMetadataChangedAreIngestedAgain() throws IOException {
    List<ManifestRow> rows = ManifestRow.read(manifest);
    List<ManifestRow> relabelled = new ArrayList<>(rows);
    for (int i = 0; i < 5; i++) {
      ManifestRow row = rows.get(i);
      relabelled.set(
          i,
          new ManifestRow(
              row.path(),
              row.tileId(),
              row.slideId(),
              row.patientId(),
              row.site(),
              row.stain(),
              row.scanner(),
              "REVIEWED",
              row.caption(),
              row.x(),
              row.y(),
              row.mpp()));
    }
    Path changed = tiles.resolve("relabelled.csv");
    ManifestRow.write(changed, relabelled);
    try (TileIndex index = openIndex()) {
      ingest().ingest(tiles, manifest, index, IngestListener.NONE);
      List<Long> kept = new ArrayList<>();
      IngestSummary again =
          ingest()
              .ingest(
                  tiles,
                  changed,
                  index,
                  new IngestListener() {
                    @Override
                    public void unchanged(long n, String what) {
                      kept.add(n);
                    }
                  });
      assertEquals(5, again.tiles());
      assertEquals(31, again.unchanged());
      assertEquals(List.of(31L), kept);
      assertEquals(36, index.size());
      assertEquals(5, index.count(TileFilter.parse("label:REVIEWED")));
      assertEquals("REVIEWED", index.get(rows.getFirst().tileId()).orElseThrow().label());
    } finally {
      Files.delete(changed);
    }
  }

  @Test
  void withoutManifestTilesAreKnownByRelativePath() throws IOException {
    try (TileIndex index = openIndex()) {
      IngestSummary summary = ingest().ingest(tiles, null, index, IngestListener.NONE);
      assertEquals(36, summary.tiles());
      String someTile;
      try (var files = Files.walk(tiles)) {
        someTile =
            tiles
                .relativize(
                    files.filter(ImageFiles::hasImageExtension).sorted().findFirst().orElseThrow())
                .toString()
                .replace('\\', '/');
      }
      TileRecord record = index.get(someTile).orElseThrow();
      assertEquals(
          tiles.resolve(someTile).toAbsolutePath().normalize().toString(), record.source());
      assertEquals(null, record.label());
    }
  }

  @Test
  void extraColumnsAreKeptAndMissingOrBrokenFilesAreSkipped(@TempDir Path folder)
      throws IOException {
    Files.copy(tiles.resolve(firstManifestPath()), folder.resolve("a.png"));
    Files.writeString(folder.resolve("broken.png"), "not a png");
    Path csv = folder.resolve("tiles.csv");
    Files.writeString(
        csv,
        """
        path,label,batch,caption
        a.png,ADI,"b-7","fat, mostly"
        broken.png,TUM,b-7,
        gone.png,NORM,b-8,
        """);
    try (TileIndex index = openIndex()) {
      List<SkippedInput> reported = new ArrayList<>();
      IngestSummary summary =
          ingest()
              .ingest(
                  folder,
                  csv,
                  index,
                  new IngestListener() {
                    @Override
                    public void skipped(SkippedInput input) {
                      reported.add(input);
                    }
                  });
      assertEquals(1, summary.tiles());
      assertEquals(reported, summary.skipped());
      assertEquals(2, reported.size());
      assertTrue(
          reported.stream()
              .anyMatch(s -> s.source().endsWith("gone.png") && s.reason().contains("missing")),
          reported.toString());
      assertTrue(
          reported.stream().anyMatch(s -> s.source().endsWith("broken.png")), reported.toString());
      TileRecord a = index.get("a.png").orElseThrow();
      assertEquals("b-7", a.extra().get("batch"));
      assertEquals("fat, mostly", a.caption());
      assertEquals(1, index.count(TileFilter.parse("batch:b-7")));
    }
  }

  private static String firstManifestPath() throws IOException {
    return Files.readAllLines(manifest).get(1).split(",")[0];
  }
}
