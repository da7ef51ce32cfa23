package org.pathlens.index.lucene;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;
import org.pathlens.index.SlideHit;
import org.pathlens.index.SlideVector;
import org.pathlens.index.SlideVectors;

/**
 * Slide vectors beside an embedded index: a Lucene index of their own in {@code
 * <index>/slide-vectors/}, one document per slide and method (its vector, its tile count, its
 * metadata as exact-match fields). A search scores every vector of the method that passes the
 * filter with the exact dot product, reading the vectors segment by segment.
 */
final class LuceneSlideVectors implements SlideVectors, Closeable {

  static final String DIR = "slide-vectors";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "key";
  private static final String SLIDE = "slide_id";
  private static final String METHOD = "method";
  private static final String TILES = "tiles";
  private static final String METADATA = "metadata";
  private static final String DIM = "dim";

  /**
   * Vectors of D values are indexed in {@code vector_D}: Lucene keeps one dimension per vector
   * field, and an imported slide encoder's vectors (TITAN's 768) sit beside the mean of tiles (the
   * patch model's D).
   */
  private static String vectorField(int dimension) {
    return "vector_" + dimension;
  }

  /** Metadata fields are indexed under this prefix, clear of the document's own fields. */
  private static final String META = "meta.";

  private final Path dir;

  /** Kept open between searches, from the first search after the index exists; closed with it. */
  private Directory directory;

  private SearcherManager searchers;

  LuceneSlideVectors(Path indexDir) {
    this.dir = indexDir.resolve(DIR);
  }

  @Override
  public synchronized void write(List<SlideVector> slides) throws IOException {
    if (slides.isEmpty()) {
      return;
    }
    Files.createDirectories(dir);
    try (Directory directory = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
      for (SlideVector slide : slides) {
        writer.updateDocument(new Term(KEY, key(slide.method(), slide.slideId())), document(slide));
      }
      writer.commit();
    }
  }

  private static Document document(SlideVector slide) throws IOException {
    Document doc = new Document();
    doc.add(new StringField(KEY, key(slide.method(), slide.slideId()), Field.Store.NO));
    doc.add(new StringField(SLIDE, slide.slideId(), Field.Store.YES));
    // Doc values of what a search reads, so that scoring every slide reads no stored document.
    doc.add(new SortedDocValuesField(SLIDE, new BytesRef(slide.slideId())));
    doc.add(new NumericDocValuesField(TILES, slide.tiles()));
    doc.add(new NumericDocValuesField(DIM, slide.embedding().length));
    doc.add(new StringField(METHOD, slide.method(), Field.Store.YES));
    doc.add(new StoredField(TILES, slide.tiles()));
    doc.add(new StoredField(DIM, slide.embedding().length));
    doc.add(new StoredField(METADATA, JSON.writeValueAsString(slide.metadata())));
    slide.metadata().forEach((k, v) -> doc.add(new StringField(META + k, v, Field.Store.NO)));
    doc.add(
        new KnnFloatVectorField(
            vectorField(slide.embedding().length), slide.embedding(), TileDocuments.SIMILARITY));
    return doc;
  }

  private static String key(String method, String slideId) {
    return method + '\u001f' + slideId;
  }

  @Override
  public Optional<SlideVector> find(String slideId, String method) throws IOException {
    List<SlideVector> found = new ArrayList<>();
    visit(new TermQuery(new Term(KEY, key(method, slideId))), found::add);
    return found.stream().findFirst();
  }

  @Override
  public void forEach(String method, Consumer<SlideVector> action) throws IOException {
    visit(new TermQuery(new Term(METHOD, method)), action);
  }

  @Override
  public List<String> methods() throws IOException {
    TreeSet<String> methods = new TreeSet<>();
    visit(new MatchAllDocsQuery(), v -> methods.add(v.method()));
    return new ArrayList<>(methods);
  }

  @Override
  public List<SlideHit> search(
      float[] query,
      String method,
      int k,
      Map<String, String> where,
      String excludeSlideId,
      String excludePatientId)
      throws IOException {
    BooleanQuery.Builder filter = new BooleanQuery.Builder();
    filter.add(new TermQuery(new Term(METHOD, method)), BooleanClause.Occur.FILTER);
    where.forEach(
        (field, value) ->
            filter.add(new TermQuery(new Term(META + field, value)), BooleanClause.Occur.FILTER));
    if (excludeSlideId != null) {
      filter.add(new TermQuery(new Term(SLIDE, excludeSlideId)), BooleanClause.Occur.MUST_NOT);
    }
    if (excludePatientId != null) {
      filter.add(
          new TermQuery(new Term(META + "patient_id", excludePatientId)),
          BooleanClause.Occur.MUST_NOT);
    }
    List<SlideHit> hits = new ArrayList<>();
    scan(
        filter.build(),
        (slide, tiles, vector) -> {
          if (vector.length != query.length) {
            throw new IllegalArgumentException(
                "query has dimension " + query.length + ", slide vectors " + vector.length);
          }
          hits.add(new SlideHit(slide, VectorUtil.dotProduct(query, vector), tiles));
        });
    hits.sort(
        Comparator.comparingDouble((SlideHit h) -> -h.score()).thenComparing(SlideHit::slideId));
    return new ArrayList<>(hits.subList(0, Math.min(k, hits.size())));
  }

  @Override
  public synchronized int delete(String slideId) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int[] count = {0};
    visit(new TermQuery(new Term(SLIDE, slideId)), v -> count[0]++);
    if (count[0] > 0) {
      try (Directory directory = FSDirectory.open(dir);
          IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
        writer.deleteDocuments(new Term(SLIDE, slideId));
        writer.commit();
      }
    }
    return count[0];
  }

  /** Every document matching {@code query}, read whole. */
  private void visit(Query query, Consumer<SlideVector> action) throws IOException {
    List<SlideVector> vectors = new ArrayList<>();
    scan(query, null, vectors);
    vectors.forEach(action);
  }

  /** A slide id, its tile count and its vector. */
  private interface VectorAction {
    void accept(String slideId, int tiles, float[] vector);
  }

  private void scan(Query query, VectorAction action) throws IOException {
    scan(query, action, null);
  }

  /**
   * Visits the documents matching {@code query}: their ids, tile counts and vectors to {@code
   * action}, or whole vectors (metadata included) into {@code whole}.
   */
  private void scan(Query query, VectorAction action, List<SlideVector> whole) throws IOException {
    SearcherManager searchers = searchers();
    if (searchers == null) {
      return;
    }
    searchers.maybeRefreshBlocking(); // sees what any writer, in this process or another, committed
    IndexSearcher searcher = searchers.acquire();
    try {
      searcher.search(
          query,
          new SimpleCollector() {
            private StoredFields stored;
            private LeafReaderContext leaf;
            private SortedDocValues slideIds;
            private NumericDocValues tileCounts;
            private NumericDocValues dimensions;

            /** Per vector length, this segment's vectors and their cursor. */
            private final Map<Integer, FloatVectorValues> vectors = new HashMap<>();

            private final Map<Integer, KnnVectorValues.DocIndexIterator> cursors = new HashMap<>();

            @Override
            protected void doSetNextReader(LeafReaderContext context) throws IOException {
              stored = context.reader().storedFields();
              leaf = context;
              slideIds = DocValues.getSorted(context.reader(), SLIDE);
              tileCounts = DocValues.getNumeric(context.reader(), TILES);
              dimensions = DocValues.getNumeric(context.reader(), DIM);
              vectors.clear();
              cursors.clear();
            }

            @Override
            public void collect(int doc) throws IOException {
              if (!dimensions.advanceExact(doc)) {
                return;
              }
              int dimension = (int) dimensions.longValue();
              if (!vectors.containsKey(dimension)) {
                FloatVectorValues values =
                    leaf.reader().getFloatVectorValues(vectorField(dimension));
                vectors.put(dimension, values);
                cursors.put(dimension, values == null ? null : values.iterator());
              }
              FloatVectorValues values = vectors.get(dimension);
              KnnVectorValues.DocIndexIterator cursor = cursors.get(dimension);
              if (cursor == null) {
                return;
              }
              if (cursor.docID() < doc) {
                cursor.advance(doc);
              }
              if (cursor.docID() != doc) {
                return;
              }
              float[] vector = values.vectorValue(cursor.index());
              slideIds.advanceExact(doc);
              String slide = slideIds.lookupOrd(slideIds.ordValue()).utf8ToString();
              tileCounts.advanceExact(doc);
              int tiles = (int) tileCounts.longValue();
              if (whole != null) {
                Document document = stored.document(doc);
                whole.add(
                    new SlideVector(
                        slide,
                        document.get(METHOD),
                        vector.clone(),
                        tiles,
                        JSON.readValue(
                            document.get(METADATA), new TypeReference<Map<String, String>>() {})));
              } else {
                action.accept(slide, tiles, vector);
              }
            }

            @Override
            public ScoreMode scoreMode() {
              return ScoreMode.COMPLETE_NO_SCORES;
            }
          });
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * The searchers over the slide-vector index, opened once it exists and kept open between searches
   * (opening a reader per search cost most of a search's time at 10^4 slides); null while there is
   * no slide-vector index yet.
   */
  private synchronized SearcherManager searchers() throws IOException {
    if (searchers == null) {
      if (!Files.isDirectory(dir)) {
        return null;
      }
      Directory opened = FSDirectory.open(dir);
      if (!DirectoryReader.indexExists(opened)) {
        opened.close();
        return null;
      }
      directory = opened;
      searchers = new SearcherManager(opened, null);
    }
    return searchers;
  }

  @Override
  public synchronized void close() throws IOException {
    try (Directory open = directory) {
      if (searchers != null) {
        searchers.close();
      }
    } finally {
      searchers = null;
      directory = null;
    }
  }
}
