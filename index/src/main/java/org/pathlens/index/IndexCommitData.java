package org.pathlens.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.pathlens.index.batch.BatchCorrection;
import org.pathlens.index.batch.BatchCorrectionFile;

/**
 * What an index records in each Lucene commit beside its tiles, and the checks made on it when the
 * index is opened: the bundle, engine and stain handling ({@link IndexProvenance}), the HNSW graph
 * shape it was built with, and the file of its batch correction. Every commit carries the whole
 * record, so the newest commit alone says how the index's vectors were made.
 */
public final class IndexCommitData {

  public static final String M_KEY = "pathlens.hnsw.m";
  public static final String BEAM_KEY = "pathlens.hnsw.beam";
  public static final String QUANTIZATION_KEY = "pathlens.hnsw.quantization";
  public static final String BATCH_FILE_KEY = "pathlens.batch_correction.file";
  public static final String BATCH_SHA_KEY = "pathlens.batch_correction.sha256";

  private IndexCommitData() {}

  /** The newest commit's record, empty when {@code directory} holds no index yet. */
  public static Map<String, String> read(Directory directory) throws IOException {
    return DirectoryReader.indexExists(directory)
        ? SegmentInfos.readLatestCommit(directory).getUserData()
        : Map.of();
  }

  /**
   * The record a writer commits: this run's provenance and the effective graph shape, the batch
   * correction and (for vectors handed in) the engine the index already records.
   */
  public static Map<String, String> forWriting(
      Map<String, String> recorded, IndexProvenance provenance, IndexSettings effective) {
    Map<String, String> data = new HashMap<>(provenance.toUserData());
    data.put(M_KEY, Integer.toString(effective.m()));
    data.put(BEAM_KEY, Integer.toString(effective.beamWidth()));
    data.put(QUANTIZATION_KEY, effective.quantization().name());
    for (String key : List.of(BATCH_FILE_KEY, BATCH_SHA_KEY)) {
      if (recorded.containsKey(key)) {
        data.put(key, recorded.get(key));
      }
    }
    if (provenance.engine() == null) { // vectors handed in: the index keeps the engine it records
      IndexProvenance.ENGINE_KEYS.stream()
          .filter(recorded::containsKey)
          .forEach(k -> data.put(k, recorded.get(k)));
      data.putIfAbsent(IndexProvenance.ENGINE_KEY, IndexProvenance.GIVEN_VECTORS);
    }
    return data;
  }

  /** Records {@code written} (null: no batch correction) in a writer's commit data. */
  public static void recordBatchCorrection(
      Map<String, String> data, BatchCorrectionFile.Written written) {
    if (written == null) {
      data.remove(BATCH_FILE_KEY);
      data.remove(BATCH_SHA_KEY);
    } else {
      data.put(BATCH_FILE_KEY, written.name());
      data.put(BATCH_SHA_KEY, written.sha256());
    }
  }

  /**
   * Refuses an index this run cannot use: one from before engine records, of another bundle, from
   * an engine PathLens cannot vouch for, or (when writing) with other stain handling.
   */
  public static void checkProvenance(
      Object dir, Map<String, String> recorded, IndexProvenance expected, boolean checkStain) {
    IndexProvenance actual = IndexProvenance.fromUserData(recorded, dir);
    if (actual == null) {
      return;
    }
    if (!recorded.containsKey(IndexProvenance.ENGINE_KEY)) {
      throw new IllegalStateException(
          "index "
              + dir
              + " records no engine: it was built before PathLens checked its"
              + " engine against the model's reference, maybe by a libtorch that computed wrong embeddings on this CPU"
              + " (see docs/fidelity.md); rebuild it: ingest into a new index directory");
    }
    if (!actual.sameBundle(expected)) {
      throw new IllegalStateException(
          "index "
              + dir
              + " holds embeddings of bundle "
              + actual.bundle()
              + " but this run uses bundle "
              + expected.bundle()
              + ": use the index's bundle, or ingest into a new index directory");
    }
    actual.requireCompatibleEngine(expected, dir);
    if (checkStain && !actual.stain().equals(expected.stain())) {
      throw new IllegalStateException(
          "index "
              + dir
              + " holds tiles embedded with "
              + actual.stain().describe()
              + " but this run uses "
              + expected.stain().describe()
              + ": ingest with the index's --stain-norm/--stain-target/--stain-fit/--tta options, or into a new index"
              + " directory (tiles of two stain targets would not compare)");
    }
  }

  /** The recorded batch correction, read and checked against its SHA-256, or null for none. */
  public static BatchCorrection batchCorrection(
      Path dir, Map<String, String> recorded, IndexProvenance provenance) throws IOException {
    if (!recorded.containsKey(BATCH_FILE_KEY)) {
      return null;
    }
    BatchCorrection correction =
        BatchCorrectionFile.read(dir, recorded.get(BATCH_FILE_KEY), recorded.get(BATCH_SHA_KEY));
    if (correction.dimension() != provenance.embeddingDim()) {
      throw new IllegalStateException(
          dir.resolve(recorded.get(BATCH_FILE_KEY))
              + ": batch correction of dimension "
              + correction.dimension()
              + " in an index of D="
              + provenance.embeddingDim());
    }
    return correction;
  }

  /** The graph shape an existing index was built with wins over the caller's settings. */
  public static IndexSettings graph(Map<String, String> recorded, IndexSettings settings) {
    if (!recorded.containsKey(QUANTIZATION_KEY)) {
      return settings;
    }
    return settings
        .withGraph(Integer.parseInt(recorded.get(M_KEY)), Integer.parseInt(recorded.get(BEAM_KEY)))
        .withQuantization(Quantization.valueOf(recorded.get(QUANTIZATION_KEY)));
  }
}
