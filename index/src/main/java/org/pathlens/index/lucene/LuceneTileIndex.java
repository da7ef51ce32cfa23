package org.pathlens.index.lucene;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.pathlens.index.EmbeddingChecks;
import org.pathlens.index.FacetValue;
import org.pathlens.index.IndexCommitData;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.IndexWriteException;
import org.pathlens.index.SavedClassifiers;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.SlideVectors;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.batch.BatchCorrection;
import org.pathlens.index.batch.BatchCorrectionFile;

/**
 * The tile index: one directory holding a Lucene index with a document per tile (metadata, caption,
 * embedding in an HNSW graph). It records which model bundle made its embeddings and refuses any
 * other.
 *
 * <p>Writes commit in batches ({@link IndexSettings#commitSize()}); a crash loses at most the batch
 * in flight, and since tiles are keyed by id, re-running the same ingest completes the index
 * without duplicates. Searches run on the last committed snapshot (through a {@link
 * SearcherManager} refreshed after each commit), so searches during an ingest see whole batches
 * only.
 *
 * <p>An index may hold a batch correction of its embeddings ({@link #setBatchCorrection}): a JSON
 * file of ComBat parameters beside the Lucene files, named and hashed in the commit data. Tiles
 * then carry the corrected vector for searching and their raw embedding stored beside it; tiles
 * added later are corrected with the stored parameters when their batch (e.g. site) is one the fit
 * saw, and kept raw otherwise (field {@code batch_corrected} says which).
 */
public final class LuceneTileIndex implements TileIndex {

  private final Path dir;

  /** The slide vectors beside the tiles; one instance, so its searchers stay open. */
  private final LuceneSlideVectors slideVectors;

  private final Directory directory;
  private final IndexProvenance provenance;
  private final IndexSettings settings;
  private final ExecutorService mergeExecutor;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final TileSearch search;
  private final Map<String, String> commitData;
  private volatile BatchCorrection batchCorrection;

  private LuceneTileIndex(
      Path dir,
      Directory directory,
      IndexProvenance provenance,
      IndexSettings settings,
      ExecutorService mergeExecutor,
      IndexWriter writer,
      SearcherManager searchers,
      Map<String, String> commitData,
      BatchCorrection batchCorrection) {
    this.dir = dir;
    this.slideVectors = new LuceneSlideVectors(dir);
    this.directory = directory;
    this.provenance = provenance;
    this.settings = settings;
    this.mergeExecutor = mergeExecutor;
    this.writer = writer;
    this.searchers = searchers;
    this.search = new TileSearch(searchers, settings);
    this.commitData = new HashMap<>(commitData);
    this.batchCorrection = batchCorrection;
  }

  /**
   * Opens the index in {@code dir} for writing and searching, creating it if there is none.
   *
   * @throws IllegalStateException if the index was built with another bundle or other stain
   *     handling
   */
  public static LuceneTileIndex open(Path dir, IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    Files.createDirectories(dir);
    return open(dir, FSDirectory.open(dir), provenance, settings);
  }

  /** Opens the index in {@code directory} (the files of {@code dir}) for writing: see above. */
  static LuceneTileIndex open(
      Path dir, Directory directory, IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    ExecutorService mergeExecutor = null;
    try {
      Map<String, String> recorded = IndexCommitData.read(directory);
      IndexCommitData.checkProvenance(dir, recorded, provenance, true);
      BatchCorrection correction = IndexCommitData.batchCorrection(dir, recorded, provenance);
      IndexSettings effective = IndexCommitData.graph(recorded, settings);
      mergeExecutor =
          effective.mergeWorkers() > 1
              ? Executors.newFixedThreadPool(
                  effective.mergeWorkers(), daemon("pathlens-hnsw-merge"))
              : null;
      IndexWriterConfig config =
          new IndexWriterConfig(TileFilter.ANALYZER)
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              .setCodec(TileCodec.of(effective, mergeExecutor))
              .setRAMBufferSizeMB(effective.ramBufferMb())
              // Only add() commits, and only whole batches: a failed batch must not be committed on
              // close.
              .setCommitOnClose(false);
      IndexWriter writer;
      try {
        writer = new IndexWriter(directory, config);
      } catch (LockObtainFailedException e) {
        throw new IllegalStateException(
            "index "
                + dir
                + " is being written by another process (its write.lock is held): wait for that"
                + " ingest to finish, or ingest into another directory");
      }
      Map<String, String> userData = IndexCommitData.forWriting(recorded, provenance, effective);
      writer.setLiveCommitData(userData.entrySet());
      if (!userData.equals(recorded)) {
        writer.commit(); // a new index records its bundle before its first tile
      }
      // Not verified: the writer wrote its new segments itself, and a merge verifies the checksums
      // of the segments it reads (a damaged old segment fails the ingest there).
      SearcherManager searchers = new SearcherManager(writer, null);
      return new LuceneTileIndex(
          dir,
          directory,
          provenance,
          effective,
          mergeExecutor,
          writer,
          searchers,
          userData,
          correction);
    } catch (IOException | RuntimeException e) {
      if (mergeExecutor != null) {
        mergeExecutor.shutdownNow();
      }
      directory.close();
      if (isDamage(e)) {
        throw damage(dir, e);
      }
      throw e;
    }
  }

  /**
   * Opens an existing index for searching only (another process may be writing it: {@link
   * #refresh()} picks up its new commits). Its {@link #provenance()} is the recorded one, with the
   * stain handling its tiles had, which query images must get too.
   *
   * @param provenance the bundle of the caller's model; its stain options are not checked
   * @throws IllegalArgumentException if {@code dir} holds no index
   * @throws IllegalStateException if the index was built with another bundle
   */
  public static LuceneTileIndex openForSearch(
      Path dir, IndexProvenance provenance, IndexSettings settings) throws IOException {
    if (!Files.isDirectory(dir)) { // FSDirectory.open would create it: a reader never creates
      throw new IllegalArgumentException("no tile index in " + dir + " (no such directory)");
    }
    Directory directory = FSDirectory.open(dir);
    try {
      if (!DirectoryReader.indexExists(directory)) {
        throw new IllegalArgumentException("no tile index in " + dir);
      }
      Map<String, String> recorded = IndexCommitData.read(directory);
      IndexCommitData.checkProvenance(dir, recorded, provenance, false);
      IndexProvenance actual = IndexProvenance.fromUserData(recorded, dir);
      BatchCorrection correction = IndexCommitData.batchCorrection(dir, recorded, provenance);
      SearcherManager searchers = new SearcherManager(directory, new VerifyingSearcherFactory());
      return new LuceneTileIndex(
          dir,
          directory,
          actual != null ? actual : provenance,
          IndexCommitData.graph(recorded, settings),
          null,
          null,
          searchers,
          recorded,
          correction);
    } catch (IOException | RuntimeException e) {
      directory.close();
      if (isDamage(e)) {
        throw damage(dir, e);
      }
      throw e;
    }
  }

  /**
   * True when a failure to open means the files on disk are not a whole index (truncated, missing
   * or foreign files), not a fault of the caller's.
   */
  private static boolean isDamage(Exception e) {
    return e instanceof CorruptIndexException
        || e instanceof IndexFormatTooOldException
        || e instanceof IndexFormatTooNewException
        || e instanceof EOFException
        || e instanceof NoSuchFileException;
  }

  /** A damaged index as one message naming the directory, the fault and the way out. */
  private static IllegalStateException damage(Path dir, Exception e) {
    return new IllegalStateException(
        "index "
            + dir
            + " is damaged ("
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + "): restore it from a copy, or rebuild it by ingesting into a new directory;"
            + " ./pathlens index check --index "
            + dir
            + " reports every fault",
        e);
  }

  /** The bundle recorded in the index in {@code dir}, if there is an index with one. */
  public static Optional<IndexProvenance> readProvenance(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Directory directory = FSDirectory.open(dir)) {
      if (!DirectoryReader.indexExists(directory)) {
        return Optional.empty();
      }
      return Optional.ofNullable(
          IndexProvenance.fromUserData(IndexCommitData.read(directory), dir));
    }
  }

  public Path dir() {
    return dir;
  }

  @Override
  public IndexLocation location() {
    return new LuceneLocation(dir, LuceneBackend.INSTANCE);
  }

  @Override
  public SlideRecords slideRecords() {
    return new DirectorySlideRecords(dir);
  }

  @Override
  public SavedClassifiers classifiers() {
    return new DirectoryClassifiers(dir);
  }

  @Override
  public SlideVectors slideVectors() {
    return slideVectors;
  }

  public IndexProvenance provenance() {
    return provenance;
  }

  public IndexSettings settings() {
    return settings;
  }

  /**
   * Adds tiles, replacing any with the same id, and commits every {@link
   * IndexSettings#commitSize()} tiles (and after the last). Embeddings must be unit vectors of the
   * bundle's dimension. Calls from several threads are safe, but a commit then also holds what the
   * other threads have added so far: the whole-batches guarantee after a crash holds for a single
   * writing thread.
   */
  @Override
  public void add(List<TileRecord> tiles, List<float[]> embeddings, List<float[]> features)
      throws IOException {
    requireWriter("add tiles");
    if (tiles.size() != embeddings.size()) {
      throw new IllegalArgumentException(
          tiles.size() + " tiles but " + embeddings.size() + " embeddings");
    }
    for (int i = 0; i < tiles.size(); i++) {
      checkEmbedding(tiles.get(i).id(), embeddings.get(i));
    }
    EmbeddingChecks.checkFeatures(tiles.size(), features, i -> tiles.get(i).id());
    for (int start = 0; start < tiles.size(); start += settings.commitSize()) {
      int end = Math.min(tiles.size(), start + settings.commitSize());
      try {
        for (int i = start; i < end; i++) {
          TileRecord tile = tiles.get(i);
          writer.updateDocument(
              new Term(TileFields.ID, tile.id()),
              document(
                  tile,
                  embeddings.get(i),
                  features == null ? null : features.get(i),
                  batchCorrection));
        }
        commit();
      } catch (IOException e) {
        throw writeFailed(e);
      }
    }
  }

  /**
   * Rolls the writer back after a failed write (a full disk, above all): the index on disk stays
   * its last commit and the files written since are deleted, instead of lying beside it until the
   * next writer happens to clean them. The index is closed for writing afterwards.
   */
  private IndexWriteException writeFailed(IOException cause) {
    int kept = -1;
    try {
      kept = count(TileFilter.ALL); // searches see the last commit: they are refreshed on commit
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    try {
      writer.rollback();
      deleteUncommittedFiles();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    return new IndexWriteException(
        "cannot write index "
            + dir
            + ": "
            + cause.getMessage()
            + "; the index keeps its last commit"
            + (kept >= 0 ? " (" + kept + " tiles)" : "")
            + " and the files of the failed write were removed: free space (or fix the cause) and"
            + " run the command again (an ingest goes on from that commit)",
        cause);
  }

  /** The tile's document: with the corrected vector where {@code correction} covers its batch. */
  private static Document document(
      TileRecord tile, float[] raw, float[] feature, BatchCorrection correction) {
    if (correction == null) {
      return TileDocuments.toDocument(tile, raw, null, null, feature);
    }
    String batch = tile.metadata(correction.by());
    if (correction.covers(batch)) {
      return TileDocuments.toDocument(tile, correction.apply(raw, batch), raw, true, feature);
    }
    return TileDocuments.toDocument(tile, raw, null, false, feature);
  }

  /**
   * The batch correction applied to this index's tiles (as of opening or the last {@link
   * #setBatchCorrection}), if any.
   */
  public Optional<BatchCorrection> batchCorrection() {
    return Optional.ofNullable(batchCorrection);
  }

  /** The file holding the batch correction's parameters, if the index has one. */
  public Optional<Path> batchCorrectionFile() {
    String name = commitData.get(IndexCommitData.BATCH_FILE_KEY);
    return name == null ? Optional.empty() : Optional.of(dir.resolve(name));
  }

  /**
   * Makes {@code correction} the index's batch correction (null: none) and rewrites every tile's
   * vector from its raw embedding accordingly, in one commit: a crash midway leaves the index as it
   * was. The parameters are written to a new file first; files of earlier corrections are deleted
   * after the commit.
   *
   * @return the file of the parameters, or "none" when the correction was removed
   */
  @Override
  public synchronized String setBatchCorrection(BatchCorrection correction) throws IOException {
    requireWriter("set a batch correction");
    if (correction != null && correction.dimension() != provenance.embeddingDim()) {
      throw new IllegalArgumentException(
          "batch correction of dimension "
              + correction.dimension()
              + " for index "
              + dir
              + " of D="
              + provenance.embeddingDim());
    }
    BatchCorrectionFile.Written written =
        correction == null ? null : BatchCorrectionFile.write(dir, correction);
    try {
      search.forEachTile(
          TileFilter.ALL,
          true,
          tile -> {
            try {
              writer.updateDocument(
                  new Term(TileFields.ID, tile.record().id()),
                  document(tile.record(), tile.embedding(), tile.feature(), correction));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      writer.rollback(); // drops the half-rewritten tiles; the index is closed for writing
      throw e.getCause();
    } catch (RuntimeException e) {
      writer.rollback();
      throw e;
    }
    IndexCommitData.recordBatchCorrection(commitData, written);
    writer.setLiveCommitData(commitData.entrySet());
    commit();
    batchCorrection = correction;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path stale :
          files
              .filter(
                  f ->
                      f.getFileName().toString().startsWith(BatchCorrectionFile.PREFIX)
                          && (written == null
                              || !f.getFileName().toString().equals(written.name())))
              .toList()) {
        Files.deleteIfExists(stale);
      }
    }
    return written == null ? "none" : dir.resolve(written.name()).toString();
  }

  private void checkEmbedding(String id, float[] embedding) {
    EmbeddingChecks.check(provenance, dir, id, embedding);
  }

  /**
   * Deletes the files a rolled-back writer left: a rollback after a failed flush keeps the segment
   * files it was writing. A writer opened on the last commit deletes every file that commit does
   * not reference (Lucene's own rule), and writes nothing, so this works on a full disk too.
   */
  private void deleteUncommittedFiles() throws IOException {
    IndexWriterConfig cleanup =
        new IndexWriterConfig(TileFilter.ANALYZER)
            .setOpenMode(IndexWriterConfig.OpenMode.APPEND)
            .setCodec(TileCodec.of(settings, null))
            .setCommitOnClose(false);
    new IndexWriter(directory, cleanup).close();
  }

  /** Removes every tile of a slide, metadata and vector alike, and commits; returns how many. */
  public int deleteSlide(String slideId) throws IOException {
    requireWriter("delete a slide");
    TermQuery slide = new TermQuery(new Term(TileFields.SLIDE_ID, slideId));
    int removed = count(TileFilter.slide(slideId));
    try {
      writer.deleteDocuments(slide);
      commit();
    } catch (IOException e) {
      throw writeFailed(e);
    }
    slideVectors().delete(slideId); // a slide vector never outlives its tiles
    return removed;
  }

  /**
   * Rewrites segments that hold deleted tiles, so deleted vectors leave the HNSW graphs and the
   * disk too (searches skip them already). Merging is costly: worth it after deleting many slides.
   */
  public void expungeDeletes() throws IOException {
    requireWriter("expunge deletes");
    try {
      writer.forceMergeDeletes(true);
      commit();
    } catch (IOException e) {
      throw writeFailed(e);
    }
  }

  /** Merges the index into one segment (one HNSW graph: the fastest searches), and commits. */
  @Override
  public void forceMerge() throws IOException {
    requireWriter("merge");
    try {
      writer.forceMerge(1, true);
      commit();
    } catch (IOException e) {
      throw writeFailed(e);
    }
  }

  private void commit() throws IOException {
    writer.commit();
    searchers.maybeRefreshBlocking();
  }

  /** Makes searches see commits made since (by another process, for an index opened for search). */
  public void refresh() throws IOException {
    searchers.maybeRefreshBlocking();
  }

  private void requireWriter(String action) {
    if (writer == null) {
      throw new IllegalStateException(
          "cannot " + action + ": index " + dir + " is open for search only");
    }
  }

  /** Tiles in the index (committed). */
  public int size() throws IOException {
    return count(TileFilter.ALL);
  }

  /**
   * The values of a metadata field (site, stain, label, scanner, patient_id, slide_id, or a
   * manifest column) with their tile counts, most tiles first, at most {@code limit}: what a filter
   * can ask for.
   *
   * @throws IllegalArgumentException for a field that is not metadata (caption text, server paths,
   *     vectors, internal fields)
   */
  public List<FacetValue> facet(String field, int limit) throws IOException {
    EmbeddingChecks.requireFacetField(field);
    return search.facet(field, limit);
  }

  @Override
  public List<String> extraFields() throws IOException {
    return search.extraFields();
  }

  /** Tiles that pass {@code filter}. */
  @Override
  public int count(TileFilter filter) throws IOException {
    return search.count(filter);
  }

  /**
   * The {@code k} tiles nearest to {@code query} among those passing {@code filter}, best first.
   */
  public List<SearchHit> search(float[] query, int k, TileFilter filter) throws IOException {
    checkEmbedding("(query)", query);
    return search.vector(query, k, settings.candidates(k), filter, true);
  }

  /**
   * As {@link #search} but the hits carry ids and scores only, no records: for callers that need no
   * metadata (reading a stored record costs a compressed-block read per hit).
   */
  public List<SearchHit> searchIds(float[] query, int k, TileFilter filter) throws IOException {
    return searchIds(query, k, settings.candidates(k), filter);
  }

  /**
   * As {@link #searchIds(float[], int, TileFilter)} with the graph search's candidate list ({@code
   * ef}, rescored when quantized) given per call instead of by {@link IndexSettings#oversample()}:
   * one index measured at several settings ({@code bench index --oversample 4,8,16}).
   */
  public List<SearchHit> searchIds(float[] query, int k, int candidates, TileFilter filter)
      throws IOException {
    checkEmbedding("(query)", query);
    if (candidates < k) {
      throw new IllegalArgumentException(
          "candidates (" + candidates + ") must be at least k (" + k + ")");
    }
    return search.vector(query, k, candidates, filter, false);
  }

  /** BM25 search over captions (Lucene query syntax; plain words are OR-ed), best first. */
  public List<SearchHit> searchCaptions(String text, int k, TileFilter filter) throws IOException {
    return search.captions(text, k, filter);
  }

  /** The embeddings of a slide's tiles, in tile id order. */
  public List<float[]> slideEmbeddings(String slideId) throws IOException {
    return new ArrayList<>(search.embeddings(TileFilter.slide(slideId)).values());
  }

  /**
   * Calls {@code action} with every tile passing {@code filter}, record and embedding, in no set
   * order (segment order; sort by id where order matters). Streams: nothing is kept, so a whole
   * index can be visited in little memory.
   */
  public void forEachTile(TileFilter filter, Consumer<StoredTile> action) throws IOException {
    search.forEachTile(filter, false, action);
  }

  /**
   * As {@link #forEachTile}, with each tile's raw embedding (as encoded, before any batch
   * correction) instead of the vector searches see.
   */
  public void forEachRawTile(TileFilter filter, Consumer<StoredTile> action) throws IOException {
    search.forEachTile(filter, true, action);
  }

  /** The stored record of a tile. */
  public Optional<TileRecord> get(String id) throws IOException {
    return search.record(id);
  }

  /**
   * The stored records of those of {@code ids} already in the index (absent ids are left out), read
   * from one committed snapshot: what a resumed ingest compares its tiles with.
   */
  public Map<String, TileRecord> records(Collection<String> ids) throws IOException {
    return search.records(ids);
  }

  /** Bytes the index takes on disk. */
  @Override
  public long sizeOnDisk() throws IOException {
    long bytes = 0;
    for (String file : directory.listAll()) {
      bytes += directory.fileLength(file);
    }
    return bytes;
  }

  /** Closes the index and deletes its directory with everything in it. */
  @Override
  public void drop() throws IOException {
    close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @Override
  public void close() throws IOException {
    try (directory;
        slideVectors) {
      searchers.close();
      if (writer != null) {
        writer.close();
      }
    } finally {
      if (mergeExecutor != null) {
        mergeExecutor.shutdownNow();
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return Thread.ofPlatform().name(name + "-", 0).daemon().factory();
  }
}
