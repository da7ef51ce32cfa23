package org.pathlens.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.Quantization;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TestTiles;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;

/**
 * A commit of up to 1000 tiles is written without an HNSW graph (searched exactly until a merge
 * builds one); from 1100 tiles a segment gets its graph as it is written ({@link
 * TileCodec#FLAT_SEGMENT_VISITS}).
 */
class TileCodecTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = Quantization.class,
      names = {"NONE", "INT8"})
  void aDefaultCommitIsFlatAndALargerOneGetsItsGraph(Quantization quantization) throws IOException {
    TestTiles data = new TestTiles(3100, TestTiles.PROVENANCE.embeddingDim(), 5);
    Path indexDir = dir.resolve(quantization.name());
    IndexSettings settings =
        IndexSettings.defaults().withGraph(8, 16).withQuantization(quantization);
    try (LuceneTileIndex index = LuceneTileIndex.open(indexDir, TestTiles.PROVENANCE, settings)) {
      index.add(data.tiles.subList(0, 1000), data.embeddings.subList(0, 1000));
    }
    try (LuceneTileIndex index =
        LuceneTileIndex.open(indexDir, TestTiles.PROVENANCE, settings.withCommitSize(2100))) {
      index.add(data.tiles.subList(1000, 3100), data.embeddings.subList(1000, 3100));
      // The flat segment answers too: every tile searched finds itself, in either segment.
      for (int i = 0; i < 3100; i += 97) {
        SearchHit top = index.search(data.embeddings.get(i), 1, TileFilter.ALL).getFirst();
        assertEquals(data.tiles.get(i).id(), top.id(), "tile " + i);
      }
    }
    assertEquals(List.of("1000 tiles, graph 0", "2100 tiles, graph 2100"), segments(indexDir));
  }

  /** Each segment's tiles and the nodes of its embedding graph, in segment order. */
  private static List<String> segments(Path indexDir) throws IOException {
    List<String> segments = new ArrayList<>();
    try (FSDirectory directory = FSDirectory.open(indexDir);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        KnnVectorsReader vectors = ((CodecReader) leaf.reader()).getVectorReader();
        if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
          vectors = perField.getFieldReader(TileFields.EMBEDDING);
        }
        int nodes = ((HnswGraphProvider) vectors).getGraph(TileFields.EMBEDDING).size();
        segments.add(leaf.reader().maxDoc() + " tiles, graph " + nodes);
      }
    }
    return segments;
  }
}
