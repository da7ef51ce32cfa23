package org.pathlens.index.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.knn.KnnSearchStrategy;
import org.apache.lucene.util.BytesRef;
import org.pathlens.index.FacetValue;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.Quantization;
import org.pathlens.index.SearchHit;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileRecord;

/** The read side of a {@link TileIndex}: every search runs on one acquired, consistent snapshot. */
final class TileSearch {

  /**
   * Filtered HNSW search (Lucene's {@code FilteredHnswGraphSearcher}: past a node that fails the
   * filter it explores that node's neighbours, so the search does not stall in filtered-out
   * regions) is used when {@code KnnSearchStrategy.Hnsw.useFilteredSearch(ratio)} holds, i.e. when
   * {@code ratio × 100 < filteredSearchThreshold}. The released 10.6.0 jar ships {@code
   * KnnSearchStrategy.DEFAULT_FILTERED_SEARCH_THRESHOLD = 0}, so {@code Hnsw.DEFAULT} never uses it
   * and restrictive filters fall back to the plain graph walk (or to exact search). Passing the
   * strategy explicitly ({@link IndexSettings#filteredSearchPercent()}) turns it on for filters
   * that keep fewer than that percentage of the tiles. In every case the filter is applied inside
   * the graph search (only matching documents are collected), never after it; a filter that keeps
   * fewer tiles than the search would visit runs as an exact search over them.
   */
  private final KnnSearchStrategy strategy;

  private final SearcherManager searchers;
  private final IndexSettings settings;

  TileSearch(SearcherManager searchers, IndexSettings settings) {
    this.searchers = searchers;
    this.settings = settings;
    this.strategy = new KnnSearchStrategy.Hnsw(settings.filteredSearchPercent());
  }

  /**
   * @param candidates the graph search's candidate list (HNSW's {@code ef}), at least {@code k}
   * @param records whether hits carry their stored records (reading them costs a block
   *     decompression each)
   */
  List<SearchHit> vector(float[] query, int k, int candidates, TileFilter filter, boolean records)
      throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Query filterQuery = checkedFilter(searcher, filter);
      Query knn =
          new KnnFloatVectorQuery(TileFields.EMBEDDING, query, candidates, filterQuery, strategy);
      if (settings.quantization() != Quantization.NONE) {
        // HNSW scores on quantized vectors are estimates: rescore the candidates with the floats.
        knn =
            RescoreTopNQuery.createFullPrecisionRescorerQuery(
                knn, query, TileFields.EMBEDDING, candidates);
      }
      TopDocs top = searcher.search(knn, candidates);
      return ranked(searcher, top, k, true, records);
    } finally {
      searchers.release(searcher);
    }
  }

  List<SearchHit> captions(String text, int k, TileFilter filter) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Query filterQuery = checkedFilter(searcher, filter);
      BooleanQuery.Builder query =
          new BooleanQuery.Builder().add(TileFilter.captionQuery(text), Occur.MUST);
      if (filterQuery != null) {
        query.add(filterQuery, Occur.FILTER);
      }
      return ranked(
          searcher, searcher.search(query.build(), settings.candidates(k)), k, false, true);
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * Orders Lucene's candidates by score, then id (Lucene breaks ties by internal doc number, which
   * merges change), keeps {@code k} and loads their records.
   */
  private static List<SearchHit> ranked(
      IndexSearcher searcher, TopDocs top, int k, boolean cosine, boolean records)
      throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    List<Candidate> candidates = new ArrayList<>();
    for (ScoreDoc hit : top.scoreDocs) {
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
      SortedDocValues ids = DocValues.getSorted(leaf.reader(), TileFields.ID);
      if (!ids.advanceExact(hit.doc - leaf.docBase)) {
        throw new IllegalStateException("tile document " + hit.doc + " has no id");
      }
      float score = cosine ? TileDocuments.cosine(hit.score) : hit.score;
      candidates.add(
          new Candidate(
              new SearchHit(ids.lookupOrd(ids.ordValue()).utf8ToString(), score), hit.doc));
    }
    candidates.sort((a, b) -> SearchHit.RANKING.compare(a.hit, b.hit));
    List<SearchHit> hits = new ArrayList<>();
    var stored = searcher.storedFields();
    for (Candidate candidate : candidates.subList(0, Math.min(k, candidates.size()))) {
      TileRecord tile = records ? TileDocuments.toRecord(stored.document(candidate.doc)) : null;
      hits.add(new SearchHit(candidate.hit.id(), candidate.hit.score(), tile));
    }
    return hits;
  }

  private record Candidate(SearchHit hit, int doc) {}

  int count(TileFilter filter) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Query query = checkedFilter(searcher, filter);
      return searcher.count(query == null ? new MatchAllDocsQuery() : query);
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * The values of a metadata field with their tile counts, most tiles first (ties by value), at
   * most {@code limit} of them.
   */
  List<FacetValue> facet(String field, int limit) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      SortedSet<String> values = new TreeSet<>();
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        Terms terms = leaf.reader().terms(field);
        if (terms == null) {
          continue;
        }
        TermsEnum each = terms.iterator();
        for (BytesRef term = each.next(); term != null; term = each.next()) {
          values.add(term.utf8ToString());
          if (values.size() > FacetValue.MAX_VALUES) {
            break; // an id-like field: counting each value is not what facets are for
          }
        }
      }
      List<FacetValue> counted = new ArrayList<>();
      for (String value : values) {
        // Counted live (deleted tiles left out), which the terms' document frequencies are not.
        int tiles = searcher.count(new TermQuery(new Term(field, value)));
        if (tiles > 0) {
          counted.add(new FacetValue(value, tiles));
        }
      }
      counted.sort(
          Comparator.comparingInt(FacetValue::tiles).reversed().thenComparing(FacetValue::value));
      return counted.subList(0, Math.min(limit, counted.size()));
    } finally {
      searchers.release(searcher);
    }
  }

  /** Values looked at per facet: past this many a field is an id, not a facet. */
  Optional<TileRecord> record(String id) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      return record(searcher, searcher.storedFields(), id);
    } finally {
      searchers.release(searcher);
    }
  }

  private static Optional<TileRecord> record(IndexSearcher searcher, StoredFields stored, String id)
      throws IOException {
    TopDocs top = searcher.search(new TermQuery(new Term(TileFields.ID, id)), 1);
    return top.scoreDocs.length == 0
        ? Optional.empty()
        : Optional.of(TileDocuments.toRecord(stored.document(top.scoreDocs[0].doc)));
  }

  /** The stored records of those of {@code ids} that are in the index, all from one snapshot. */
  Map<String, TileRecord> records(Collection<String> ids) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      StoredFields stored = searcher.storedFields();
      Map<String, TileRecord> found = new HashMap<>();
      for (String id : ids) {
        record(searcher, stored, id).ifPresent(record -> found.put(id, record));
      }
      return found;
    } finally {
      searchers.release(searcher);
    }
  }

  /** The embeddings of the tiles passing {@code filter}, by tile id. */
  SortedMap<String, float[]> embeddings(TileFilter filter) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Query query = checkedFilter(searcher, filter);
      return searcher.search(
          query == null ? new MatchAllDocsQuery() : query, new EmbeddingCollectors());
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * @param raw whether tiles carry their raw embeddings (as encoded, before any batch correction)
   */
  void forEachTile(TileFilter filter, boolean raw, Consumer<StoredTile> action) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Query query = checkedFilter(searcher, filter);
      searcher.search(
          query == null ? new MatchAllDocsQuery() : query,
          new SimpleCollector() {
            private StoredFields stored;
            private FloatVectorValues vectors;
            private KnnVectorValues.DocIndexIterator vectorDocs;

            @Override
            protected void doSetNextReader(LeafReaderContext context) throws IOException {
              stored = context.reader().storedFields();
              vectors = context.reader().getFloatVectorValues(TileFields.EMBEDDING);
              vectorDocs = vectors == null ? null : vectors.iterator();
            }

            @Override
            public void collect(int doc) throws IOException {
              if (vectorDocs == null) {
                return;
              }
              if (vectorDocs.docID() < doc) {
                vectorDocs.advance(doc);
              }
              if (vectorDocs.docID() == doc) {
                Document document = stored.document(doc);
                float[] embedding = raw ? TileDocuments.rawEmbedding(document) : null;
                if (embedding == null) {
                  embedding = vectors.vectorValue(vectorDocs.index()).clone();
                }
                action.accept(
                    new StoredTile(
                        TileDocuments.toRecord(document),
                        embedding,
                        TileDocuments.feature(document)));
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

  /** Collects (id, embedding) of matching live documents, segment by segment. */
  private static final class EmbeddingCollectors
      implements CollectorManager<EmbeddingCollectors.Collector, SortedMap<String, float[]>> {

    static final class Collector extends SimpleCollector {
      final SortedMap<String, float[]> found = new TreeMap<>();
      private SortedDocValues ids;
      private FloatVectorValues vectors;
      private KnnVectorValues.DocIndexIterator vectorDocs;

      @Override
      protected void doSetNextReader(LeafReaderContext context) throws IOException {
        ids = DocValues.getSorted(context.reader(), TileFields.ID);
        vectors = context.reader().getFloatVectorValues(TileFields.EMBEDDING);
        vectorDocs = vectors == null ? null : vectors.iterator();
      }

      @Override
      public void collect(int doc) throws IOException {
        if (vectorDocs == null || !ids.advanceExact(doc)) {
          return;
        }
        if (vectorDocs.docID() < doc) {
          vectorDocs.advance(doc);
        }
        if (vectorDocs.docID() == doc) {
          found.put(
              ids.lookupOrd(ids.ordValue()).utf8ToString(),
              vectors.vectorValue(vectorDocs.index()).clone());
        }
      }

      @Override
      public ScoreMode scoreMode() {
        return ScoreMode.COMPLETE_NO_SCORES;
      }
    }

    @Override
    public Collector newCollector() {
      return new Collector();
    }

    @Override
    public SortedMap<String, float[]> reduce(Collection<Collector> collectors) {
      SortedMap<String, float[]> all = new TreeMap<>();
      collectors.forEach(c -> all.putAll(c.found));
      return all;
    }
  }

  /**
   * The filter's query, after checking that every field it names exists: a misspelt field ({@code
   * lable:TUM}) would otherwise silently match nothing.
   */
  /** Indexed fields beyond the schema and the vectors, sorted. */
  List<String> extraFields() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Set<String> names = new TreeSet<>();
      FieldInfos.getMergedFieldInfos(searcher.getIndexReader()).forEach(f -> names.add(f.name));
      names.removeAll(TileFields.RESERVED);
      return List.copyOf(names);
    } finally {
      searchers.release(searcher);
    }
  }

  private static Query checkedFilter(IndexSearcher searcher, TileFilter filter) {
    Query query = filter.luceneQuery();
    if (query == null || searcher.getIndexReader().numDocs() == 0) {
      return query;
    }
    Set<String> known = new TreeSet<>();
    FieldInfos.getMergedFieldInfos(searcher.getIndexReader()).forEach(info -> known.add(info.name));
    filter.requireKnownFields(known);
    return query;
  }
}
