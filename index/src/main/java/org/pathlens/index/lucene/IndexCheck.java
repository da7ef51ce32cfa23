package org.pathlens.index.lucene;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexCommitData;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRecordCheck;
import org.pathlens.index.Thumbnails;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIds;

/**
 * Checks a tile index whole: Lucene's {@link CheckIndex} over every segment (checksums of every
 * file, then postings, stored fields and vectors decoded), and PathLens's own records (the bundle
 * and engine a commit records, the vector dimension, the batch correction file, the slide records
 * and thumbnails against the tiles). The report is a few lines of facts, then one line per problem;
 * nothing is repaired.
 */
final class IndexCheck {

  private final Path dir;
  private final List<String> facts = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private IndexCheck(Path dir) {
    this.dir = dir;
  }

  /**
   * Checks the index in {@code dir}.
   *
   * @throws IllegalArgumentException when {@code dir} holds no index
   * @throws IllegalStateException when an ingest is writing the index (check it when that ends)
   */
  static IndexCheckReport run(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no tile index in " + dir + " (no such directory)");
    }
    IndexCheck check = new IndexCheck(dir);
    try (Directory directory = FSDirectory.open(dir)) {
      if (!DirectoryReader.indexExists(directory)) {
        throw new IllegalArgumentException("no tile index in " + dir);
      }
      boolean luceneOk = check.lucene(directory);
      if (luceneOk) {
        check.records(directory);
      }
    }
    return new IndexCheckReport(List.copyOf(check.facts), List.copyOf(check.problems));
  }

  /** Lucene's own check, holding the write lock so that no ingest changes files meanwhile. */
  private boolean lucene(Directory directory) throws IOException {
    long start = System.nanoTime();
    CheckIndex.Status status;
    try (CheckIndex lucene = new CheckIndex(directory)) {
      lucene.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS);
      status = lucene.checkIndex();
    } catch (LockObtainFailedException e) {
      throw new IllegalStateException(
          "index "
              + dir
              + " is being written by another process (its write.lock is held): check it when"
              + " that ingest has finished");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long docs = 0;
    long deleted = 0;
    for (CheckIndex.Status.SegmentInfoStatus segment : status.segmentInfos) {
      docs += segment.maxDoc;
      deleted += segment.liveDocStatus == null ? 0 : segment.liveDocStatus.numDeleted;
      if (segment.error != null) {
        problems.add(
            "segment "
                + segment.name
                + " ("
                + segment.maxDoc
                + " documents) is damaged: "
                + describe(segment.error));
      }
    }
    if (status.missingSegments) {
      problems.add(
          "the latest commit ("
              + status.segmentsFileName
              + ") cannot be read: files of the index are missing or damaged");
    }
    facts.add(
        String.format(
            Locale.ROOT,
            "lucene: %d segments, %d documents (%d deleted), checked in %.1f s: %s",
            status.segmentInfos.size(),
            docs,
            deleted,
            seconds,
            status.clean ? "checksums and structure intact" : "damaged"));
    if (!status.clean && problems.isEmpty()) {
      problems.add("Lucene's CheckIndex found the index damaged");
    }
    return status.clean;
  }

  private static String describe(Object error) {
    if (error instanceof Throwable t) {
      return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
    return String.valueOf(error);
  }

  /** PathLens's records, read from the latest commit and beside the index. */
  private void records(Directory directory) throws IOException {
    Map<String, String> recorded = IndexCommitData.read(directory);
    IndexProvenance provenance = IndexProvenance.fromUserData(recorded, dir);
    if (provenance == null) {
      problems.add(
          "the index records no model bundle: it was not built by PathLens (or by a version before"
              + " bundles were recorded), so no search can vouch for its vectors");
      return;
    }
    IndexCheckReport.provenanceLines(provenance, recorded, facts, problems);
    long opening = System.nanoTime();
    try (DirectoryReader reader = DirectoryReader.open(directory)) {
      long opened = System.nanoTime();
      for (LeafReaderContext leaf : reader.leaves()) {
        leaf.reader().checkIntegrity(); // what readers do on open (VerifyingSearcherFactory)
      }
      long verified = System.nanoTime();
      long bytes = 0;
      for (String file : directory.listAll()) {
        bytes += directory.fileLength(file);
      }
      facts.add(
          String.format(
              Locale.ROOT,
              "open for search: %.0f ms to open, %.0f ms to verify every checksum (%d MB), as"
                  + " search, classify and serve do",
              (opened - opening) / 1e6,
              (verified - opened) / 1e6,
              bytes >> 20));
      vectors(reader, provenance);
      facts.add("tiles: " + reader.numDocs());
      slides(reader);
    }
    try {
      var correction = IndexCommitData.batchCorrection(dir, recorded, provenance);
      facts.add(
          "batch correction: "
              + (correction == null
                  ? "none"
                  : "by "
                      + correction.by()
                      + ", file "
                      + recorded.get(IndexCommitData.BATCH_FILE_KEY)
                      + " (checksum matches)"));
    } catch (IllegalStateException | IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  private void vectors(DirectoryReader reader, IndexProvenance provenance) {
    for (LeafReaderContext leaf : reader.leaves()) {
      FieldInfo field = leaf.reader().getFieldInfos().fieldInfo(TileFields.EMBEDDING);
      if (field != null && field.getVectorDimension() != provenance.embeddingDim()) {
        problems.add(
            "segment "
                + leaf.ord
                + " holds vectors of dimension "
                + field.getVectorDimension()
                + ", the bundle's is "
                + provenance.embeddingDim());
      }
    }
  }

  /**
   * Every slide record parses, has its thumbnail (which passes its hash, or decodes where the
   * record keeps none) and has tiles in the index; and every slide whose tiles were cut from a
   * slide file has a record.
   */
  private void slides(DirectoryReader reader) throws IOException {
    Path records = dir.resolve(SlideRecord.RECORDS);
    List<String> ids = List.of();
    if (Files.isDirectory(records)) {
      try (Stream<Path> files = Files.list(records)) {
        ids =
            files
                .map(f -> f.getFileName().toString())
                .filter(n -> n.endsWith(".json"))
                .map(n -> n.substring(0, n.length() - ".json".length()))
                .sorted()
                .toList();
      }
    }
    int whole = 0;
    for (String id : ids) {
      SlideRecord record;
      try {
        record = SlideRecord.read(dir, id);
      } catch (IOException | RuntimeException e) {
        problems.add(
            "slide record "
                + SlideRecord.file(dir, id)
                + " cannot be read: "
                + firstLine(e.getMessage()));
        continue;
      }
      boolean ok = thumbnail(record);
      List<String> disagreements =
          SlideRecordCheck.problems(record, tilesBySource(new IndexSearcher(reader), id));
      problems.addAll(disagreements);
      ok &= disagreements.isEmpty();
      whole += ok ? 1 : 0;
    }
    int unrecorded = slideTilesWithoutRecord(reader, ids);
    if (ids.isEmpty() && unrecorded == 0) {
      facts.add("slides: no slide records (a tile-folder index)");
      return;
    }
    facts.add("slides: " + ids.size() + " records, " + whole + " with their thumbnail and tiles");
  }

  /** Whether the record's thumbnail is there and intact; a problem naming it when not. */
  private boolean thumbnail(SlideRecord record) {
    Path file = SlideRecord.thumbnailFile(dir, record.slideId());
    if (!Files.isRegularFile(file)) {
      problems.add("slide " + record.slideId() + ": thumbnail " + file + " is missing");
      return false;
    }
    try {
      Thumbnails.readVerified(file, record);
      return true;
    } catch (IOException e) {
      problems.add(
          "slide " + record.slideId() + ": " + firstLine(e.getMessage()) + "; re-ingest the slide");
      return false;
    }
  }

  /**
   * Names every slide whose tiles were cut from a slide file (their ids are positions, {@link
   * TileIds#ofPosition}) but which has no record file: the server cannot show such tiles (it needs
   * the record to read their region), and the slide has no page. Returns how many there are.
   */
  private int slideTilesWithoutRecord(DirectoryReader reader, List<String> recorded)
      throws IOException {
    Terms slideIds = MultiTerms.getTerms(reader, TileFields.SLIDE_ID);
    if (slideIds == null) {
      return 0;
    }
    Set<String> withFile = new HashSet<>(recorded);
    IndexSearcher searcher = new IndexSearcher(reader);
    int found = 0;
    TermsEnum terms = slideIds.iterator();
    for (BytesRef term = terms.next(); term != null; term = terms.next()) {
      String slideId = term.utf8ToString();
      if (withFile.contains(slideId)) {
        continue;
      }
      long cut = countTilesCutFromSlide(searcher, slideId);
      if (cut > 0) {
        found++;
        problems.add(
            "slide "
                + slideId
                + ": "
                + cut
                + " tiles cut from a slide file but no slide record ("
                + SlideRecord.file(dir, slideId)
                + " is missing): its tiles and page cannot be shown; re-ingest the slide");
      }
    }
    return found;
  }

  /**
   * Live tiles of {@code slideId} whose id is their position on the slide and whose source is no
   * feature file: tiles ingested from TRIDENT or CLAM features without their slide ({@code ingest
   * --features} without {@code --slides}) have no record by design.
   */
  private static long countTilesCutFromSlide(IndexSearcher searcher, String slideId)
      throws IOException {
    long[] count = {0};
    forEachStoredTile(
        searcher,
        slideId,
        Set.of(TileFields.ID, TileFields.X, TileFields.Y, TileFields.SOURCE),
        d -> {
          IndexableField x = d.getField(TileFields.X);
          IndexableField y = d.getField(TileFields.Y);
          if (x != null
              && y != null
              && x.numericValue() != null
              && y.numericValue() != null
              && TileIds.ofPosition(
                      slideId, x.numericValue().intValue(), y.numericValue().intValue())
                  .equals(d.get(TileFields.ID))
              && !String.valueOf(d.get(TileFields.SOURCE)).endsWith(".h5")) {
            count[0]++;
          }
        });
    return count[0];
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /** The live tiles of {@code slideId}, counted by their source (the file they were cut from). */
  private static Map<String, Long> tilesBySource(IndexSearcher searcher, String slideId)
      throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    forEachStoredTile(
        searcher,
        slideId,
        Set.of(TileFields.SOURCE),
        d -> counts.merge(String.valueOf(d.get(TileFields.SOURCE)), 1L, Long::sum));
    return counts;
  }

  /** {@code fields} of every live tile of {@code slideId}, as stored, one document at a time. */
  private static void forEachStoredTile(
      IndexSearcher searcher, String slideId, Set<String> fields, Consumer<Document> action)
      throws IOException {
    searcher.search(
        TileFilter.slide(slideId).luceneQuery(),
        new SimpleCollector() {
          private StoredFields stored;

          @Override
          protected void doSetNextReader(LeafReaderContext context) throws IOException {
            stored = context.reader().storedFields();
          }

          @Override
          public void collect(int doc) throws IOException {
            action.accept(stored.document(doc, fields));
          }

          @Override
          public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
          }
        });
  }
}
