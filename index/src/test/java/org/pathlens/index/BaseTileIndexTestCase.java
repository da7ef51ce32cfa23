package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.query.RelevanceFeedback;

/**
 * The index contract, run in full by every backend (Lucene's way: {@code
 * BaseKnnVectorsFormatTestCase}): extend this class and say where a fresh index lives. Each test
 * makes its own index, so the methods run in any order. Expectations come from brute force over the
 * same tiles ({@link ExactSearch}), never from another backend.
 */
public abstract class BaseTileIndexTestCase {

  /** A location where no index is yet, unique to the calling test. */
  protected abstract IndexLocation newLocation(String name) throws IOException;

  /** Candidate lists deep enough that HNSW is exact on a few hundred tiles. */
  protected static final IndexSettings EXACT_ENOUGH =
      IndexSettings.defaults().withOversample(10).withCommitSize(100);

  private static final int DIM = 64;

  protected final TestTiles data = new TestTiles(300, DIM, 7);

  private TileIndex filled(String name) throws IOException {
    TileIndex index = newLocation(name).open(TestTiles.PROVENANCE, EXACT_ENOUGH);
    index.add(data.tiles, data.embeddings);
    return index;
  }

  /**
   * Patients as wholes on every backend: late fusion is the normalised mean of a patient's stored
   * slide vectors, early fusion of all its tiles (both recomputed here in double precision); the
   * cases view lists each patient's slides; similar patients leave the query patient out.
   */
  @Test
  void patientsArePooledByBothFusionsAndListedWithTheirSlides() throws IOException {
    try (TileIndex index = filled("patients")) {
      index.slideVectors().write(SlidePooling.mean(index, TileFilter.ALL));
      Map<String, double[]> early = new TreeMap<>(), late = new TreeMap<>();
      for (int i = 0; i < data.tiles.size(); i++) {
        add(early, data.tiles.get(i).patientId(), data.embeddings.get(i));
      }
      index.slideVectors().forEach(SlidePooling.MEAN, v -> add(late, v.patientId(), v.embedding()));
      for (PatientPooling.Fusion fusion : PatientPooling.Fusion.values()) {
        Map<String, double[]> want = fusion == PatientPooling.Fusion.EARLY ? early : late;
        List<PatientPooling.PatientVector> vectors = PatientPooling.vectors(index, fusion);
        assertEquals(List.of("P0", "P1"), vectors.stream().map(v -> v.patientId()).toList());
        for (PatientPooling.PatientVector v : vectors) {
          double[] sum = want.get(v.patientId());
          double norm = Math.sqrt(Arrays.stream(sum).map(x -> x * x).sum());
          for (int d = 0; d < DIM; d++) {
            assertEquals(sum[d] / norm, v.embedding()[d], 1e-6, fusion + " " + v.patientId());
          }
          assertEquals(v.patientId().equals("P0") ? 4 : 2, v.slides());
        }
        float[] query = vectors.get(1).embedding();
        List<PatientPooling.PatientHit> found = PatientPooling.search(index, query, 5, fusion);
        assertEquals("P1", found.getFirst().patientId());
        assertEquals(1.0, found.getFirst().score(), 1e-5);
        List<PatientPooling.PatientHit> similar = PatientPooling.similar(index, "P1", 5, fusion);
        assertEquals(List.of("P0"), similar.stream().map(h -> h.patientId()).toList());
      }
      assertEquals(
          Map.of("P0", List.of("S-0", "S-1", "S-2", "S-3"), "P1", List.of("S-4", "S-5")),
          PatientPooling.cases(index));
    }
  }

  /**
   * Relevance feedback reads the marked tiles' stored vectors by id on every backend: the refined
   * query is Rocchio's (recomputed here in double), its ranking the exact one over the tiles
   * passing the filter with the tiles marked not relevant left out, and a mark naming no tile is
   * refused.
   */
  @Test
  void relevanceFeedbackRefinesFromTheStoredVectorsOfTheMarkedTiles() throws IOException {
    try (TileIndex index = filled("feedback")) {
      float[] query = data.embeddings.get(0);
      List<Integer> relevant = List.of(3, 120, 260);
      List<Integer> notRelevant = List.of(1, 2);
      double[] want = new double[DIM];
      for (int d = 0; d < DIM; d++) {
        double yes = 0, no = 0;
        for (int t : relevant) {
          yes += data.embeddings.get(t)[d];
        }
        for (int t : notRelevant) {
          no += data.embeddings.get(t)[d];
        }
        want[d] = query[d] + 0.75 * yes / relevant.size() - 0.15 * no / notRelevant.size();
      }
      double norm = Math.sqrt(Arrays.stream(want).map(x -> x * x).sum());
      for (TileFilter filter : List.of(TileFilter.ALL, TileFilter.slide("S-0"))) {
        RelevanceFeedback.Refined refined =
            RelevanceFeedback.ROCCHIO.search(
                index,
                query,
                relevant.stream().map(t -> data.tiles.get(t).id()).toList(),
                notRelevant.stream().map(t -> data.tiles.get(t).id()).toList(),
                10,
                filter);
        for (int d = 0; d < DIM; d++) {
          assertEquals(want[d] / norm, refined.query()[d], 1e-6, "component " + d);
        }
        List<SearchHit> exact = new ArrayList<>();
        for (int t = 0; t < data.tiles.size(); t++) {
          boolean passes = filter.keepsAll() || data.tiles.get(t).slideId().equals("S-0");
          if (passes && !notRelevant.contains(t)) {
            double dot = 0;
            for (int d = 0; d < DIM; d++) {
              dot += want[d] / norm * data.embeddings.get(t)[d];
            }
            exact.add(new SearchHit(data.tiles.get(t).id(), (float) dot));
          }
        }
        exact.sort(SearchHit.RANKING);
        assertEquals(
            exact.subList(0, 10).stream().map(SearchHit::id).toList(),
            refined.hits().stream().map(SearchHit::id).toList(),
            filter.toString());
      }
      RelevanceFeedback.FeedbackException unknown =
          assertThrows(
              RelevanceFeedback.FeedbackException.class,
              () ->
                  RelevanceFeedback.ROCCHIO.search(
                      index, query, List.of("no-such-tile"), List.of(), 10, TileFilter.ALL));
      assertEquals("relevant", unknown.field());
    }
  }

  private static void add(Map<String, double[]> sums, String patient, float[] embedding) {
    double[] sum = sums.computeIfAbsent(patient, p -> new double[embedding.length]);
    for (int d = 0; d < sum.length; d++) {
      sum[d] += embedding[d];
    }
  }

  /**
   * Slide vectors are documents of the index: the mean of each slide's stored tile embeddings
   * (recomputed here in double precision), kept with the metadata all its tiles share, found again
   * bit for bit, searched exactly with filters and exclusions, and gone with their slide.
   */
  @Test
  void slideVectorsAreDocumentsSearchedExactly() throws IOException {
    try (TileIndex index = filled("slide-vectors")) {
      SlideVectors store = index.slideVectors();
      assertEquals(List.of(), store.methods());
      assertTrue(
          store
              .search(data.embeddings.get(0), SlidePooling.MEAN, 3, Map.of(), null, null)
              .isEmpty());
      List<SlideVector> means = SlidePooling.mean(index, TileFilter.ALL);
      assertEquals(6, means.size());
      for (SlideVector slide : means) {
        double[] sum = new double[DIM];
        int n = 0;
        for (int i = 0; i < data.tiles.size(); i++) {
          if (data.tiles.get(i).slideId().equals(slide.slideId())) {
            for (int d = 0; d < DIM; d++) {
              sum[d] += data.embeddings.get(i)[d];
            }
            n++;
          }
        }
        double norm = 0;
        for (double v : sum) {
          norm += v * v;
        }
        for (int d = 0; d < DIM; d++) {
          assertEquals(sum[d] / Math.sqrt(norm), slide.embedding()[d], 1e-6, slide.slideId());
        }
        assertEquals(n, slide.tiles());
        // Tiles of a slide share patient and stain; their sites and labels differ.
        assertEquals(
            Map.of("patient_id", slide.slideId().compareTo("S-4") < 0 ? "P0" : "P1", "stain", "HE"),
            slide.metadata());
      }
      store.write(means);
      assertEquals(List.of(SlidePooling.MEAN), store.methods());
      SlideVector s2 = store.find("S-2", SlidePooling.MEAN).orElseThrow();
      assertArrayEquals(means.get(2).embedding(), s2.embedding());
      assertEquals(means.get(2).metadata(), s2.metadata());
      assertTrue(store.find("S-2", "titan").isEmpty());
      List<String> all = new ArrayList<>();
      store.forEach(SlidePooling.MEAN, v -> all.add(v.slideId()));
      all.sort(null);
      assertEquals(List.of("S-0", "S-1", "S-2", "S-3", "S-4", "S-5"), all);

      // Exact: the ranking is the cosine order of the vectors, the scores their cosines.
      float[] query = s2.embedding();
      List<SlideHit> hits = store.search(query, SlidePooling.MEAN, 6, Map.of(), null, null);
      List<SlideVector> byCosine = new ArrayList<>(means);
      byCosine.sort(
          Comparator.comparingDouble((SlideVector v) -> -Embeddings.dot(query, v.embedding()))
              .thenComparing(SlideVector::slideId));
      assertEquals(
          byCosine.stream().map(SlideVector::slideId).toList(),
          hits.stream().map(SlideHit::slideId).toList());
      assertEquals("S-2", hits.getFirst().slideId());
      assertEquals(1.0, hits.getFirst().score(), 1e-5);
      assertEquals(50, hits.getFirst().matchedTiles());
      assertEquals(
          List.of("S-4", "S-5"),
          store.search(query, SlidePooling.MEAN, 5, Map.of("patient_id", "P1"), null, null).stream()
              .map(SlideHit::slideId)
              .sorted()
              .toList());
      List<SlideHit> othersOfPatient =
          store.search(query, SlidePooling.MEAN, 5, Map.of(), "S-2", null);
      assertEquals(5, othersOfPatient.size());
      assertTrue(othersOfPatient.stream().noneMatch(h -> h.slideId().equals("S-2")));
      assertEquals(
          List.of("S-4", "S-5"),
          store.search(query, SlidePooling.MEAN, 5, Map.of(), null, "P0").stream()
              .map(SlideHit::slideId)
              .sorted()
              .toList());

      // Another method's vectors, of another length (a slide encoder's), beside the means.
      float[] a = unit(1, 0, 0, 1, 0, 0, 0, 0), b = unit(1, 0, 0, 0.5f, 0, 0, 0, 0);
      store.write(
          List.of(
              new SlideVector("S-0", "titan", a, 0, Map.of()),
              new SlideVector("S-1", "titan", b, 0, Map.of()),
              new SlideVector("S-3", "titan", unit(0, 1, 0, 0, 0, 0, 0, 0), 0, Map.of())));
      assertEquals(List.of(SlidePooling.MEAN, "titan"), store.methods());
      List<SlideHit> titan = store.search(a, "titan", 5, Map.of(), "S-0", null);
      assertEquals(List.of("S-1", "S-3"), titan.stream().map(SlideHit::slideId).toList());
      assertEquals(Embeddings.dot(a, b), titan.getFirst().score(), 1e-6);
      assertEquals(6, store.search(query, SlidePooling.MEAN, 10, Map.of(), null, null).size());

      // Written again: replaced, not doubled; deleting the slide deletes its vector.
      store.write(List.of(means.get(2)));
      assertEquals(6, store.search(query, SlidePooling.MEAN, 10, Map.of(), null, null).size());
      index.deleteSlide("S-2");
      assertTrue(store.find("S-2", SlidePooling.MEAN).isEmpty());
      assertEquals(5, store.search(query, SlidePooling.MEAN, 10, Map.of(), null, null).size());
      index.deleteSlide("S-3");
      assertEquals(1, store.search(a, "titan", 5, Map.of(), "S-0", null).size());
    }
  }

  private List<float[]> queries(int n, long seed) {
    Random random = new Random(seed);
    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < n; q++) {
      float[] v = data.embeddings.get(random.nextInt(data.tiles.size())).clone();
      for (int d = 0; d < DIM; d++) {
        v[d] += (float) (random.nextGaussian() * 0.05);
      }
      queries.add(unit(v));
    }
    return queries;
  }

  protected static float[] unit(float... v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = (float) (v[i] / Math.sqrt(norm));
    }
    return u;
  }

  protected static List<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).toList();
  }

  @Test
  void searchesReturnBruteForcesTopTenWithExactCosines() throws IOException {
    try (TileIndex index = filled("search")) {
      assertEquals(300, index.size());
      ExactSearch exact = data.exact(t -> true);
      for (float[] query : queries(20, 1)) {
        List<SearchHit> truth = exact.search(query, 10);
        List<SearchHit> found = index.search(query, 10, TileFilter.ALL);
        assertEquals(ids(truth), ids(found));
        for (int i = 0; i < truth.size(); i++) {
          assertEquals(truth.get(i).score(), found.get(i).score(), 1e-6f);
          assertEquals(truth.get(i).id(), found.get(i).tile().id()); // hits carry their records
        }
        assertEquals(ids(truth), ids(index.searchIds(query, 10, TileFilter.ALL)));
      }
    }
  }

  @Test
  void filteredSearchesReturnOnlyMatchingTilesAndTheFilteredTopTen() throws IOException {
    Map<String, Predicate<TileRecord>> filters = new LinkedHashMap<>();
    filters.put("site:site-3", t -> t.site().equals("site-3"));
    filters.put("bucket:b7", t -> t.extra().get("bucket").equals("b7"));
    filters.put(
        "label:TUM AND NOT site:site-1",
        t -> t.label().equals("TUM") && !t.site().equals("site-1"));
    filters.put("x:[0 TO 1000]", t -> t.x() <= 1000);
    filters.put("-label:TUM", t -> !t.label().equals("TUM"));
    filters.put(
        "slide_id:S-3 OR slide_id:S-4",
        t -> t.slideId().equals("S-3") || t.slideId().equals("S-4"));
    try (TileIndex index = filled("filtered")) {
      for (Map.Entry<String, Predicate<TileRecord>> entry : filters.entrySet()) {
        TileFilter filter = TileFilter.parse(entry.getKey());
        ExactSearch exact = data.exact(entry.getValue());
        assertEquals(exact.size(), index.count(filter), entry.getKey());
        for (float[] query : queries(3, 2)) {
          List<SearchHit> found = index.search(query, 10, filter);
          for (SearchHit hit : found) {
            assertTrue(entry.getValue().test(hit.tile()), entry.getKey() + " let in " + hit.id());
          }
          assertEquals(ids(exact.search(query, 10)), ids(found), entry.getKey());
        }
      }
    }
  }

  @Test
  void filtersUseLuceneSyntaxOverWholeValues() throws IOException {
    try (TileIndex index = filled("syntax")) {
      assertEquals(30, index.count(TileFilter.parse("site:site-3")));
      assertEquals(30, index.count(TileFilter.parse("site:(site-3 OR site-4) AND label:TUM")));
      assertEquals(25, index.count(TileFilter.parse("site:site-3 AND NOT slide_id:S-0")));
      assertEquals(270, index.count(TileFilter.parse("NOT site:site-3")));
      assertEquals(6 * 6, index.count(TileFilter.parse("x:[0 TO 1120]")));
      assertEquals(300, index.count(TileFilter.parse("mpp:[0.4 TO 0.6]")));
      assertEquals(0, index.count(TileFilter.parse("site:site")));
      assertEquals(3, index.count(TileFilter.parse("bucket:b7")));
      var unknown =
          assertThrows(
              IllegalArgumentException.class, () -> index.count(TileFilter.parse("lable:TUM")));
      assertTrue(
          unknown.getMessage().contains("'lable'") && unknown.getMessage().contains("label"),
          unknown.getMessage());
    }
  }

  /** Facets count live tiles per value, most first, and refuse what a filter may not name. */
  @Test
  void facetsCountLiveTilesPerValue() throws IOException {
    try (TileIndex index = filled("facets")) {
      assertEquals(
          List.of(new FacetValue("NORM", 150), new FacetValue("TUM", 150)),
          index.facet("label", 10));
      assertEquals(new FacetValue("site-0", 30), index.facet("site", 3).getFirst());
      assertEquals(3, index.facet("site", 3).size());
      index.deleteSlide("S-0"); // tiles 0..49: five of each site gone
      assertEquals(new FacetValue("site-0", 25), index.facet("site", 1).getFirst());
      // A manifest column: b50..b99 keep their 3 tiles, b0..b49 lost one; ties by value.
      List<FacetValue> buckets = index.facet("bucket", 100);
      assertEquals(new FacetValue("b50", 3), buckets.getFirst());
      assertEquals(new FacetValue("b0", 2), buckets.get(50));
      for (String field : List.of("source", "caption", "embedding", "id")) {
        assertThrows(IllegalArgumentException.class, () -> index.facet(field, 10), field);
      }
    }
  }

  /** A manifest's own columns are metadata like the schema's: listed, filtered, returned. */
  @Test
  void extraColumnsAreListedFilteredAndReturned() throws IOException {
    try (TileIndex index = filled("extra")) {
      assertEquals(List.of("bucket"), index.extraFields());
      assertEquals(3, index.count(TileFilter.parse("bucket:b42")));
      SearchHit hit =
          index.search(data.embeddings.get(42), 1, TileFilter.parse("bucket:b42")).getFirst();
      assertEquals("b42", hit.tile().extra().get("bucket"));
      assertEquals("b42", hit.tile().metadata("bucket"));
    }
    try (TileIndex empty = newLocation("no-extra").open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      assertEquals(List.of(), empty.extraFields());
    }
  }

  /**
   * Region metadata from QuPath annotations ({@code ingest --regions}) are metadata like a
   * manifest's columns, with values holding spaces and colons (QuPath's derived classes): matched
   * whole by {@link TileFilter#keyword} and by quoted filters, combined with other filters, counted
   * as facets; tiles outside any region have none.
   */
  @Test
  void regionClassesWithSpacesAndColonsAreFilteredAndCountedWhole() throws IOException {
    List<TileRecord> tiles = new ArrayList<>();
    Map<String, Integer> perClass = new TreeMap<>();
    int inSlide0 = 0;
    for (int i = 0; i < 120; i++) {
      TileRecord t = data.tiles.get(i);
      Map<String, String> extra = new TreeMap<>(t.extra());
      String regionClass = i % 3 == 0 ? "Tumor: Positive" : i % 3 == 1 ? "Stroma" : null;
      if (regionClass != null) {
        extra.put("region_class", regionClass);
        extra.put("region_name", "Region " + (i % 2));
        perClass.merge(regionClass, 1, Integer::sum);
        inSlide0 += regionClass.equals("Tumor: Positive") && t.slideId().equals("S-0") ? 1 : 0;
      }
      tiles.add(
          new TileRecord(
              t.id(),
              t.slideId(),
              t.patientId(),
              t.site(),
              t.stain(),
              t.scanner(),
              t.label(),
              t.caption(),
              t.x(),
              t.y(),
              t.mpp(),
              t.source(),
              extra));
    }
    try (TileIndex index = newLocation("regions").open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(tiles, data.embeddings.subList(0, tiles.size()));
      assertEquals(List.of("bucket", "region_class", "region_name"), index.extraFields());
      TileFilter positive = TileFilter.keyword("region_class", "Tumor: Positive");
      assertEquals(40, perClass.get("Tumor: Positive"));
      assertEquals(40, index.count(positive));
      assertEquals(40, index.count(TileFilter.parse("region_class:\"Tumor: Positive\"")));
      assertEquals(0, index.count(TileFilter.keyword("region_class", "Tumor")));
      assertEquals(inSlide0, index.count(positive.and(TileFilter.slide("S-0"))));
      assertEquals(17, inSlide0);
      assertEquals(80, index.count(TileFilter.parse("region_class:*")));
      assertEquals(40, index.count(TileFilter.parse("-region_class:*")));
      assertEquals(
          40, index.count(TileFilter.keyword("region_name", "Region 0")), "names are whole too");
      assertEquals(
          List.of(new FacetValue("Stroma", 40), new FacetValue("Tumor: Positive", 40)),
          index.facet("region_class", 10));
      for (SearchHit hit : index.search(data.embeddings.get(3), 10, positive)) {
        assertEquals("Tumor: Positive", hit.tile().extra().get("region_class"), hit.id());
        assertEquals("Tumor: Positive", hit.tile().metadata("region_class"));
      }
      assertEquals(10, index.search(data.embeddings.get(3), 10, positive).size());
    }
  }

  @Test
  void anotherBundleIsRefusedNamingBoth() throws IOException {
    IndexLocation location = newLocation("bundle");
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(data.tiles.subList(0, 5), data.embeddings.subList(0, 5));
    }
    IndexProvenance other = new IndexProvenance("other-model", "fedcba9876543210", DIM);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> location.open(other, IndexSettings.defaults()));
    assertTrue(e.getMessage().contains("test-model (0123456789ab, D=64)"), e.getMessage());
    assertTrue(e.getMessage().contains("other-model (fedcba987654, D=64)"), e.getMessage());
    assertThrows(
        IllegalStateException.class, () -> location.openForSearch(other, IndexSettings.defaults()));
    assertEquals(TestTiles.PROVENANCE, location.readProvenance().orElseThrow());
  }

  /**
   * One writer at a time, as two ingests at once would write a tile twice: a second writer is
   * refused in one line while the first is open (readers are not writers), and may write once it
   * has closed.
   */
  @Test
  void aSecondWriterIsRefusedUntilTheFirstCloses() throws IOException {
    IndexLocation location = newLocation("writers");
    try (TileIndex first = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      first.add(data.tiles.subList(0, 10), data.embeddings.subList(0, 10));
      IllegalStateException refused =
          assertThrows(
              IllegalStateException.class, () -> location.open(TestTiles.PROVENANCE, EXACT_ENOUGH));
      assertTrue(refused.getMessage().contains("is being written by"), refused.getMessage());
      assertTrue(refused.getMessage().contains(location.toString()), refused.getMessage());
      try (TileIndex reader = location.openForSearch(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
        assertEquals(10, reader.size());
      }
    }
    try (TileIndex second = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      second.add(data.tiles.subList(10, 20), data.embeddings.subList(10, 20));
      assertEquals(20, second.size());
    }
  }

  @Test
  void aNewIndexRecordsItsBundleBeforeItsFirstTile() throws IOException {
    IndexLocation location = newLocation("new");
    assertTrue(location.readProvenance().isEmpty());
    location.open(TestTiles.PROVENANCE, EXACT_ENOUGH).close();
    assertEquals(TestTiles.PROVENANCE, location.readProvenance().orElseThrow());
  }

  @Test
  void aMissingIndexIsNotCreatedBySearching() throws IOException {
    IndexLocation location = newLocation("absent");
    assertThrows(
        IllegalArgumentException.class,
        () -> location.openForSearch(TestTiles.PROVENANCE, IndexSettings.defaults()));
    assertTrue(location.readProvenance().isEmpty());
  }

  @Test
  void embeddingsOfTheWrongShapeOrNotFiniteAreRefused() throws IOException {
    try (TileIndex index = newLocation("shape").open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      TileRecord tile = data.tiles.getFirst();
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> index.add(List.of(tile), List.of(new float[32])));
      assertTrue(
          e.getMessage().contains(tile.id()) && e.getMessage().contains("D=64"), e.getMessage());
      float[] notUnit = data.embeddings.getFirst().clone();
      notUnit[0] += 1;
      assertThrows(
          IllegalArgumentException.class, () -> index.add(List.of(tile), List.of(notUnit)));
      float[] nan = data.embeddings.getFirst().clone();
      nan[3] = Float.NaN;
      assertThrows(IllegalArgumentException.class, () -> index.add(List.of(tile), List.of(nan)));
      assertThrows(IllegalArgumentException.class, () -> index.search(nan, 5, TileFilter.ALL));
      assertEquals(0, index.size());
    }
  }

  @Test
  void reAddingUpdatesInsteadOfDuplicatingAndAMovedTileKeepsOneDocument() throws IOException {
    try (TileIndex index = filled("resume")) {
      index.add(data.tiles, data.embeddings); // a resumed ingest sends the same tiles again
      assertEquals(300, index.size());
      TileRecord first = data.tiles.getFirst();
      TileRecord moved =
          new TileRecord(
              first.id(),
              "S-moved",
              first.patientId(),
              first.site(),
              first.stain(),
              first.scanner(),
              "STR",
              "relabelled by a pathologist",
              first.x(),
              first.y(),
              first.mpp(),
              first.source(),
              first.extra());
      index.add(List.of(moved), List.of(data.embeddings.getFirst()));
      assertEquals(300, index.size());
      assertEquals(moved, index.get(first.id()).orElseThrow());
      assertEquals(1, index.count(TileFilter.slide("S-moved")));
      assertEquals(
          first.id(), index.search(data.embeddings.getFirst(), 1, TileFilter.ALL).getFirst().id());
      index.add(List.of(first), List.of(data.embeddings.getFirst()));
      assertEquals(0, index.count(TileFilter.slide("S-moved")));
      assertEquals(300, index.size());
    }
  }

  @Test
  void recordsAreReadBackAsWritten() throws IOException {
    try (TileIndex index = filled("records")) {
      List<String> asked = List.of(data.tiles.get(4).id(), "no-such-tile", data.tiles.get(9).id());
      Map<String, TileRecord> found = index.records(asked);
      assertEquals(2, found.size());
      assertEquals(data.tiles.get(4), found.get(data.tiles.get(4).id()));
      assertEquals(data.tiles.get(9), index.get(data.tiles.get(9).id()).orElseThrow());
      assertTrue(index.get("no-such-tile").isEmpty());
    }
  }

  @Test
  void deletingASlideRemovesItsTilesFromMetadataAndVectors() throws IOException {
    try (TileIndex index = filled("delete")) {
      assertEquals(50, index.deleteSlide("S-2"));
      assertEquals(250, index.size());
      assertEquals(0, index.count(TileFilter.slide("S-2")));
      assertTrue(index.slideEmbeddings("S-2").isEmpty());
      for (SearchHit hit : index.search(data.embeddings.get(100), 50, TileFilter.ALL)) {
        assertFalse(hit.tile().slideId().equals("S-2"), hit.id());
      }
      assertEquals(50, index.slideEmbeddings("S-3").size());
    }
  }

  @Test
  void forEachTileVisitsEveryLiveTileWithItsRecordAndEmbedding() throws IOException {
    try (TileIndex index = filled("visit")) {
      index.deleteSlide("S-1");
      Map<String, StoredTile> seen = new TreeMap<>();
      index.forEachTile(
          TileFilter.parse("site:site-3"), tile -> seen.put(tile.record().id(), tile));
      assertEquals(25, seen.size()); // 30 at site-3, 5 of them on the deleted slide
      for (int i = 0; i < data.tiles.size(); i++) {
        TileRecord tile = data.tiles.get(i);
        if (tile.site().equals("site-3") && !tile.slideId().equals("S-1")) {
          assertEquals(tile, seen.get(tile.id()).record());
          assertArrayEquals(data.embeddings.get(i), seen.get(tile.id()).embedding());
        }
      }
      int[] all = {0};
      index.forEachTile(TileFilter.ALL, tile -> all[0]++);
      assertEquals(250, all[0]);
      // Bit for bit, in tile id order: what slide classification reads.
      List<float[]> slide = index.slideEmbeddings("S-2");
      List<Integer> order = new ArrayList<>();
      for (int i = 100; i < 150; i++) {
        order.add(i);
      }
      order.sort(Comparator.comparing(i -> data.tiles.get(i).id()));
      for (int j = 0; j < order.size(); j++) {
        assertArrayEquals(data.embeddings.get(order.get(j)), slide.get(j));
      }
    }
  }

  @Test
  void captionSearchRanksByBm25AndHybridFusesBothRankings() throws IOException {
    List<TileRecord> tiles =
        List.of(
            captioned("a", "crowded atypical glands of adenocarcinoma"),
            captioned("b", "adipose tissue with large empty cells"),
            captioned("c", "smooth muscle bundles"),
            captioned("d", "glands glands and more glands of normal mucosa"));
    float[] east = unit(1, 0);
    List<float[]> vectors = List.of(unit(0.6f, 0.8f), east, unit(0.8f, 0.6f), unit(0, 1));
    IndexProvenance twoD = new IndexProvenance("m", "h", 2);
    try (TileIndex index = newLocation("captions").open(twoD, IndexSettings.defaults())) {
      index.add(tiles, vectors);
      assertEquals(List.of("d", "a"), ids(index.searchCaptions("glands", 10, TileFilter.ALL)));
      assertEquals(
          List.of("a"), ids(index.searchCaptions("glands", 10, TileFilter.parse("-id:d"))));
      assertEquals(List.of("b"), ids(index.searchCaptions("\"empty cells\"", 10, TileFilter.ALL)));
      assertEquals(List.of("b"), ids(index.searchCaptions("empty cells:(", 10, TileFilter.ALL)));
      // Vector ranking for east: b, c, a, d; caption ranking for "glands": d, a. Fused:
      // d 1/64 + 1/61 = 0.03202 > a 1/63 + 1/62 = 0.03200 > b 1/61 > c 1/62.
      List<SearchHit> hybrid = index.searchHybrid(east, "glands", 4, TileFilter.ALL);
      assertEquals(List.of("d", "a", "b", "c"), ids(hybrid));
      assertEquals(1f / 64 + 1f / 61, hybrid.getFirst().score(), 1e-6f);
      assertEquals("crowded atypical glands of adenocarcinoma", hybrid.get(1).tile().caption());
    }
  }

  private static TileRecord captioned(String id, String caption) {
    return new TileRecord(
        id, "S", null, null, null, null, null, caption, null, null, null, null, Map.of());
  }

  /** Similar cases rank slides as {@link SlideSimilarity} does over brute-force neighbours. */
  @Test
  void similarSlidesRankAsOverBruteForceNeighbours() throws IOException {
    Map<String, TileRecord> byId =
        data.tiles.stream().collect(Collectors.toMap(TileRecord::id, t -> t));
    try (TileIndex index = filled("similar")) {
      for (String slide : List.of("S-1", "S-5")) {
        ExactSearch others = data.exact(t -> !t.slideId().equals(slide));
        List<SlideHit> expected =
            SlideSimilarity.DEFAULT.rank(
                index.slideEmbeddings(slide),
                5,
                (queries, n) -> {
                  List<List<SearchHit>> all = new ArrayList<>();
                  for (float[] q : queries) {
                    all.add(
                        others.search(q, n).stream()
                            .map(h -> new SearchHit(h.id(), h.score(), byId.get(h.id())))
                            .toList());
                  }
                  return all;
                });
        List<SlideHit> found = index.similarSlides(slide, 5);
        assertEquals(
            expected.stream().map(SlideHit::slideId).toList(),
            found.stream().map(SlideHit::slideId).toList());
        for (int i = 0; i < expected.size(); i++) {
          assertEquals(expected.get(i).score(), found.get(i).score(), 1e-5f);
          assertEquals(expected.get(i).matchedTiles(), found.get(i).matchedTiles());
        }
      }
      assertThrows(IllegalArgumentException.class, () -> index.similarSlides("S-none", 5));
    }
  }

  @Test
  void slideRecordsAndThumbnailsAreKeptWithTheIndex() throws IOException {
    try (TileIndex index = filled("slides")) {
      SlideRecords records = index.slideRecords();
      assertTrue(records.slideIds().isEmpty());
      SlideRecord record = slideRecord("S-1", Map.of("aperio.AppMag", "40"));
      byte[] red = new byte[4 * 3 * 3];
      for (int p = 0; p < red.length; p += 3) {
        red[p] = (byte) 200;
      }
      records.write(record, new RgbImage(4, 3, red));
      records.write(slideRecord("S-0", Map.of()), null);
      assertEquals(List.of("S-0", "S-1"), records.slideIds());
      SlideRecord found = records.find("S-1").orElseThrow();
      assertEquals(record, found.withThumbnailSha256(null));
      if (found.thumbnailSha256() != null) { // a backend that keeps the hash in the record
        assertEquals(
            Thumbnails.sha256(Files.readAllBytes(records.thumbnail("S-1").orElseThrow())),
            found.thumbnailSha256());
      }
      assertTrue(records.find("S-9").isEmpty());
      assertTrue(Files.size(records.thumbnail("S-1").orElseThrow()) > 0);
      assertTrue(records.thumbnail("S-0").isEmpty());
      assertThrows(IOException.class, () -> records.read("S-9"));
    }
  }

  /**
   * Saved classifiers are kept with the index: saved, listed by name, replaced whole (keeping their
   * creation time where the caller says so), deleted, and found again bit for bit by a process that
   * opens the index afresh; a name that cannot be one is refused with what a name may hold.
   */
  @Test
  void savedClassifiersAreKeptWithTheIndexAndSurviveReopening() throws IOException {
    IndexLocation location = newLocation("classifiers");
    SavedClassifier tumor = savedClassifier("tumor", SavedClassifier.PROTOTYPE, 0, 3, null);
    SavedClassifier stroma =
        savedClassifier("stroma 2_b-x", SavedClassifier.LINEAR_PROBE, 10, 2, "dense stroma");
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(data.tiles.subList(0, 20), data.embeddings.subList(0, 20));
      SavedClassifiers store = index.classifiers();
      assertEquals(List.of(), store.names());
      assertTrue(store.find("tumor").isEmpty());
      assertFalse(store.delete("tumor"));
      store.save(tumor);
      store.save(stroma);
      assertEquals(List.of("stroma 2_b-x", "tumor"), store.names());
      assertTrue(store.find("tumor").orElseThrow().sameAs(tumor));
      assertArrayEquals(
          data.embeddings.get(10),
          store.find("stroma 2_b-x").orElseThrow().relevant().get(0).embedding());
      SavedClassifier replaced =
          savedClassifier("tumor", SavedClassifier.LINEAR_PROBE, 4, 5, "tumor epithelium")
              .replacing(tumor);
      store.save(replaced);
      SavedClassifier found = store.find("tumor").orElseThrow();
      assertTrue(found.sameAs(replaced));
      assertEquals(tumor.created(), found.created());
      assertEquals(5, found.relevant().size());
      assertEquals(List.of("tumor", "not tumor"), found.classes());
      assertTrue(store.delete("stroma 2_b-x"));
      assertEquals(List.of("tumor"), store.names());
      assertThrows(IllegalArgumentException.class, () -> store.find("../slides/S-0"));
      assertThrows(IllegalArgumentException.class, () -> store.find(" tumor"));
      assertThrows(IllegalArgumentException.class, () -> store.find("t".repeat(65)));
    }
    try (TileIndex again = location.openForSearch(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      assertEquals(List.of("tumor"), again.classifiers().names());
      SavedClassifier reread = again.classifiers().list().getFirst();
      assertEquals(SavedClassifier.LINEAR_PROBE, reread.method());
      assertEquals("tumor epithelium", reread.prompt());
      for (int i = 0; i < 5; i++) {
        assertEquals(data.tiles.get(4 + i).id(), reread.relevant().get(i).tileId());
        assertArrayEquals(data.embeddings.get(4 + i), reread.relevant().get(i).embedding());
      }
      reread.requireBundleOf(again.provenance(), again.location());
      assertThrows(
          IllegalStateException.class,
          () ->
              reread.requireBundleOf(
                  new IndexProvenance("other", "f".repeat(64), DIM), again.location()));
    }
  }

  /**
   * A classifier of {@code relevant} tiles from tile {@code first} on, and the next tiles as not
   * relevant, with a prompt (its embedding: the first tile's) or none.
   */
  private SavedClassifier savedClassifier(
      String name, String method, int first, int relevant, String prompt) {
    List<SavedClassifier.Example> yes = new ArrayList<>(), no = new ArrayList<>();
    for (int i = first; i < first + 2 * relevant; i++) {
      (i < first + relevant ? yes : no)
          .add(new SavedClassifier.Example(data.tiles.get(i).id(), data.embeddings.get(i)));
    }
    IndexProvenance p = TestTiles.PROVENANCE;
    return new SavedClassifier(
        name,
        method,
        yes,
        no,
        prompt,
        prompt == null ? null : data.embeddings.get(first),
        p.bundleName(),
        p.contentHash(),
        p.embeddingDim(),
        "2026-12-07T23:00:00Z",
        prompt == null ? "2026-12-07T23:00:00Z" : "2026-12-07T23:05:00Z");
  }

  /**
   * Writes a record and a thumbnail for each of {@code slideIds}, as an ingest of their slide files
   * does: tiles cut from a slide without its record are a problem to {@code index check}.
   */
  /** Writes each slide's record as its ingest would: saying how many tiles the index holds. */
  protected static void recordSlides(TileIndex index, String... slideIds) throws IOException {
    for (String slideId : slideIds) {
      index
          .slideRecords()
          .write(
              slideRecord(slideId, Map.of(), index.count(TileFilter.slide(slideId))),
              new RgbImage(2, 2, new byte[12]));
    }
  }

  /** The record an ingest of a 0.25 µm/px SVS writes, with the file's metadata. */
  protected static SlideRecord slideRecord(String slideId, Map<String, String> properties) {
    return slideRecord(slideId, properties, 50);
  }

  /** As {@link #slideRecord(String, Map)}, for an ingest that cut {@code tiles} tiles. */
  protected static SlideRecord slideRecord(
      String slideId, Map<String, String> properties, long tiles) {
    return new SlideRecord(
        slideId,
        "/slides/" + slideId + ".svs",
        "aperio",
        0.25,
        0.25,
        List.of(),
        0.5,
        224,
        0,
        0.5,
        0.4,
        tiles,
        SlideRecord.THUMBNAILS + "/" + slideId + ".png",
        properties,
        null,
        "file",
        "v1:" + "0".repeat(64));
  }

  @Test
  void aSearchOnlyIndexSeesNewWritesAfterRefreshAndRefusesWrites() throws IOException {
    IndexLocation location = newLocation("reader");
    try (TileIndex writer = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      writer.add(data.tiles.subList(0, 100), data.embeddings.subList(0, 100));
      try (TileIndex reader = location.openForSearch(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
        assertEquals(100, reader.size());
        writer.add(data.tiles.subList(100, 200), data.embeddings.subList(100, 200));
        reader.refresh();
        assertEquals(200, reader.size());
        assertThrows(IllegalStateException.class, () -> reader.deleteSlide("S-0"));
        assertEquals(TestTiles.PROVENANCE, reader.provenance());
      }
    }
  }

  @Test
  void theLocationNamesTheIndexAndReopensIt() throws IOException {
    IndexLocation location = newLocation("reopen");
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(data.tiles.subList(0, 10), data.embeddings.subList(0, 10));
      assertEquals(location.toString(), index.location().toString());
      assertEquals(location, IndexLocation.parse(location.toString()));
      try (TileIndex again = index.location().openForSearch(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
        assertEquals(10, again.size());
      }
    }
  }

  @Test
  void capabilitiesAreDeclaredAndWhatIsMissingIsRefusedInOneLine() throws IOException {
    IndexLocation location = newLocation("capabilities");
    for (IndexCapability capability : IndexCapability.values()) {
      if (location.capabilities().contains(capability)) {
        location.require(capability); // no refusal
      } else {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> location.require(capability));
        assertTrue(e.getMessage().contains(location.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(capability.what()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
      }
    }
  }

  /** {@code index check}, where a backend has it, finds a freshly written index whole. */
  @Test
  void aWholeIndexChecksWithoutAProblem() throws IOException {
    IndexLocation location = newLocation("checked");
    if (!location.capabilities().contains(IndexCapability.CHECK)) {
      return;
    }
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(data.tiles.subList(0, 50), data.embeddings.subList(0, 50)); // S-0 whole
      recordSlides(index, "S-0");
      // a slide without a tissue tile keeps its record (its page says so) and is no problem
      index
          .slideRecords()
          .write(slideRecord("S-empty", Map.of(), 0), new RgbImage(2, 2, new byte[12]));
    }
    IndexCheckReport report = location.check();
    assertTrue(report.ok(), report.problems().toString());
    assertTrue(
        report.facts().contains("bundle: " + TestTiles.PROVENANCE), report.facts().toString());
  }

  /**
   * {@code index check} names a slide id that stands for two files: tiles of another file under the
   * id beside the recorded file's, and more tiles than its record says (what re-ingesting a
   * different file of the same name used to leave), on both backends alike.
   */
  @Test
  void checkNamesASlideIdHoldingTilesOfTwoFiles() throws IOException {
    IndexLocation location = newLocation("two-files");
    if (!location.capabilities().contains(IndexCapability.CHECK)) {
      return;
    }
    List<TileRecord> stale = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      stale.add(
          TileRecord.of(
              Map.of(
                  TileFields.ID,
                  TileIds.ofPosition("S-0", 100_000 + 224 * i, 0),
                  TileFields.SLIDE_ID,
                  "S-0",
                  TileFields.X,
                  100_000 + 224 * i,
                  TileFields.Y,
                  0,
                  TileFields.SOURCE,
                  "/elsewhere/S-0.svs"),
              Map.of()));
    }
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(stale, data.embeddings.subList(100, 114));
      index.add(data.tiles.subList(0, 50), data.embeddings.subList(0, 50));
      // the later file's record: 50 tiles of /slides/S-0.svs
      index
          .slideRecords()
          .write(slideRecord("S-0", Map.of(), 50), new RgbImage(2, 2, new byte[12]));
    }
    IndexCheckReport report = location.check();
    assertEquals(
        List.of(
            "slide S-0: 14 tiles come from /elsewhere/S-0.svs, not from its record's file"
                + " /slides/S-0.svs: two files under one slide id; ingest the right file again with"
                + " --replace",
            "slide S-0: its record says 50 tiles, the index holds 64: tiles of another ingest under"
                + " this id; ingest its file again with --replace"),
        report.problems());
  }

  /**
   * {@code index check} names a slide whose tiles were cut from a slide file but whose record is
   * gone (the server cannot show them), on both backends alike; tiles ingested from a feature file
   * without their slide keep no record by design and are no problem.
   */
  @Test
  void slideTilesWithoutTheirRecordAreNamedFeatureTilesAreNot() throws IOException {
    IndexLocation location = newLocation("unrecorded");
    if (!location.capabilities().contains(IndexCapability.CHECK)) {
      return;
    }
    List<TileRecord> fromFeatures = new ArrayList<>();
    for (TileRecord t : data.tiles.subList(50, 60)) { // slide S-1
      fromFeatures.add(
          TileRecord.of(
              Map.of(
                  TileFields.ID, TileIds.ofPosition("F-1", t.x(), t.y()),
                  TileFields.SLIDE_ID, "F-1",
                  TileFields.X, t.x(),
                  TileFields.Y, t.y(),
                  TileFields.SOURCE, "/features/features_x/F-1.h5"),
              Map.of()));
    }
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(data.tiles.subList(0, 20), data.embeddings.subList(0, 20)); // S-0, no record
      index.add(fromFeatures, data.embeddings.subList(50, 60));
    }
    IndexCheckReport report = location.check();
    assertFalse(report.ok());
    assertEquals(1, report.problems().size(), report.problems().toString());
    assertTrue(
        report.problems().getFirst().startsWith("slide S-0: "), report.problems().toString());
    assertTrue(
        report.problems().getFirst().contains("no slide record"), report.problems().toString());
  }

  /**
   * Dropping takes the slide records, slide vectors and saved classifiers with the tiles: an index
   * made again at the same place must not inherit another index's slides or classifiers.
   */
  @Test
  void droppingAnIndexRemovesEverything() throws IOException {
    IndexLocation location = newLocation("dropped");
    TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH);
    index.add(data.tiles.subList(0, 10), data.embeddings.subList(0, 10));
    index.slideRecords().write(slideRecord("S-0", Map.of()), new RgbImage(2, 2, new byte[12]));
    index.slideVectors().write(SlidePooling.mean(index, TileFilter.ALL));
    index.classifiers().save(savedClassifier("tumor", SavedClassifier.PROTOTYPE, 0, 3, null));
    index.drop();
    assertTrue(location.readProvenance().isEmpty());
    assertThrows(
        IllegalArgumentException.class,
        () -> location.openForSearch(TestTiles.PROVENANCE, EXACT_ENOUGH));
    assertNotEquals(null, location.toString());
    try (TileIndex again = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      assertEquals(List.of(), again.slideRecords().slideIds());
      assertEquals(List.of(), again.slideVectors().methods());
      assertEquals(List.of(), again.classifiers().names());
      again.drop();
    }
  }
}
