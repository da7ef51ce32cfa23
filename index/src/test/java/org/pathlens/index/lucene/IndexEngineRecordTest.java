package org.pathlens.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.CanaryCheck;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/** An index records which engine computed its embeddings, and refuses what it cannot vouch for. */
class IndexEngineRecordTest {

  private static final IndexProvenance BUNDLE = new IndexProvenance("m", "0123456789abcdef", 4);
  private static final CanaryCheck CPU_UNCHECKED =
      new CanaryCheck("PyTorch 2.5.1 on cpu(), ONEDNN_MAX_CPU_ISA=AVX2", 0, Double.NaN, null, 0);
  private static final CanaryCheck GPU_UNCHECKED =
      new CanaryCheck("PyTorch 2.5.1 on gpu(0)", 0, Double.NaN, null, 0);
  private static final CanaryCheck CPU_CHECKED =
      new CanaryCheck(CPU_UNCHECKED.engine(), 4, 0.9999998, "x", 1);
  private static final CanaryCheck GPU_CHECKED =
      new CanaryCheck(GPU_UNCHECKED.engine(), 4, 0.9999991, "x", 1);

  @TempDir Path dir;

  @Test
  void anIngestRecordsTheEngineAndItsCanaryResult() throws IOException {
    try (VisionLanguageModel model =
            VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
        TileIndex index =
            LuceneTileIndex.open(dir, IndexProvenance.of(model), IndexSettings.defaults())) {
      index.add(
          List.of(TileRecord.of("a", "a.png")),
          List.of(model.images().encode(new RgbImage(2, 2, new byte[12]))));
    }
    CanaryCheck recorded = IndexLocation.of(dir).readProvenance().orElseThrow().engine();
    assertTrue(recorded.engine().startsWith("PyTorch "), recorded.engine());
    assertEquals(4, recorded.inputs());
    assertTrue(recorded.passed(), recorded.describe());
  }

  @Test
  void anIndexFromBeforeEngineRecordsIsRefusedWithTheWayOut() throws IOException {
    try (TileIndex index =
        LuceneTileIndex.open(dir, BUNDLE.withEngine(CPU_CHECKED), IndexSettings.defaults())) {
      index.add(List.of(TileRecord.of("a", "a.png")), List.of(new float[] {1, 0, 0, 0}));
    }
    dropEngineRecord(dir);
    for (boolean forSearch : new boolean[] {false, true}) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> {
                try (TileIndex index =
                    forSearch
                        ? LuceneTileIndex.openForSearch(dir, BUNDLE, IndexSettings.defaults())
                        : LuceneTileIndex.open(
                            dir, BUNDLE.withEngine(CPU_CHECKED), IndexSettings.defaults())) {
                  index.size();
                }
              });
      assertTrue(e.getMessage().startsWith("index " + dir + " records no engine"), e.getMessage());
      assertTrue(
          e.getMessage().endsWith("rebuild it: ingest into a new index directory"), e.getMessage());
    }
  }

  @Test
  void anotherEngineIsRefusedUnlessBothPassedTheCanary() throws IOException {
    try (TileIndex index =
        LuceneTileIndex.open(dir, BUNDLE.withEngine(CPU_UNCHECKED), IndexSettings.defaults())) {
      index.add(List.of(TileRecord.of("a", "a.png")), List.of(new float[] {1, 0, 0, 0}));
    }
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                LuceneTileIndex.openForSearch(
                        dir, BUNDLE.withEngine(GPU_UNCHECKED), IndexSettings.defaults())
                    .close());
    assertTrue(
        e.getMessage()
            .contains(
                "holds embeddings computed by PyTorch 2.5.1 on cpu(), ONEDNN_MAX_CPU_ISA=AVX2"
                    + " (no canary in the bundle) but this run uses PyTorch 2.5.1 on gpu(0)"),
        e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () ->
            LuceneTileIndex.open(dir, BUNDLE.withEngine(GPU_CHECKED), IndexSettings.defaults())
                .close());
    // The same engine, or a search that embeds nothing, is fine.
    LuceneTileIndex.openForSearch(dir, BUNDLE.withEngine(CPU_UNCHECKED), IndexSettings.defaults())
        .close();
    LuceneTileIndex.openForSearch(dir, BUNDLE, IndexSettings.defaults()).close();

    // Rebuilt by an engine that passed the canary: another engine that passed it may add and
    // search.
    try (TileIndex index =
        LuceneTileIndex.open(
            dir.resolve("checked"), BUNDLE.withEngine(CPU_CHECKED), IndexSettings.defaults())) {
      index.add(List.of(TileRecord.of("a", "a.png")), List.of(new float[] {1, 0, 0, 0}));
    }
    try (TileIndex index =
        LuceneTileIndex.open(
            dir.resolve("checked"), BUNDLE.withEngine(GPU_CHECKED), IndexSettings.defaults())) {
      assertEquals(1, index.size());
    }
    assertEquals(
        GPU_CHECKED.engine(),
        IndexLocation.of(dir.resolve("checked")).readProvenance().orElseThrow().engine().engine());
  }

  /** Rewrites the last commit's user data without the engine keys, as indexes before them were. */
  private static void dropEngineRecord(Path dir) throws IOException {
    try (Directory directory = FSDirectory.open(dir)) {
      Map<String, String> data =
          new HashMap<>(SegmentInfos.readLatestCommit(directory).getUserData());
      IndexProvenance.ENGINE_KEYS.forEach(data::remove);
      try (IndexWriter writer =
          new IndexWriter(
              directory,
              new IndexWriterConfig()
                  .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
                  .setCodec(TileCodec.of(IndexSettings.defaults(), null)))) {
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
      }
    }
  }
}
