package org.pathlens.eval.retrieval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The items of case retrieval at one level, made from labelled tiles: the tiles themselves, their
 * slides ({@link UnitMeanPooling} of each slide's tiles) or their patients (early or late {@link
 * PatientFusion}). A slide's or patient's label is its tiles' label when they agree, else the
 * majority label; a tie has no majority and is refused, because no label could be vouched for.
 *
 * @param level what the items are
 * @param ids item ids in name order (ties in a ranking are broken by them)
 * @param embeddings unit embeddings
 * @param labels classes
 * @param slides each item's slide (tile level: its slide, or itself when it has none; slide level:
 *     itself; patient level: itself)
 * @param patients each item's patient, or null when some tile has no patient id
 * @param mixedLabels how many items took a majority label because their tiles disagree
 */
public record CaseItems(
    RetrievalLevel level,
    List<String> ids,
    List<float[]> embeddings,
    List<String> labels,
    List<String> slides,
    List<String> patients,
    int mixedLabels) {

  public CaseItems {
    ids = List.copyOf(ids);
    embeddings = List.copyOf(embeddings);
    labels = List.copyOf(labels);
    slides = List.copyOf(slides);
    patients = patients == null ? null : List.copyOf(patients);
    int n = ids.size();
    if (embeddings.size() != n
        || labels.size() != n
        || slides.size() != n
        || (patients != null && patients.size() != n)) {
      throw new IllegalArgumentException("ids, embeddings, labels, slides and patients differ");
    }
  }

  /**
   * Labelled tiles with their unit embeddings.
   *
   * @param slides each tile's slide, null entries when unknown
   * @param patients each tile's patient, null entries when unknown
   */
  public record Tiles(
      List<String> ids,
      List<float[]> embeddings,
      List<String> labels,
      List<String> slides,
      List<String> patients) {
    public Tiles {
      int n = ids.size();
      if (embeddings.size() != n
          || labels.size() != n
          || slides.size() != n
          || patients.size() != n) {
        throw new IllegalArgumentException(
            "ids, embeddings, labels, slides and patients need one entry per tile");
      }
    }

    /** Whether every tile has a patient id: then the query's own patient is left out. */
    boolean patientsKnown() {
      return patients.stream().allMatch(p -> p != null && !p.isBlank());
    }
  }

  public int size() {
    return ids.size();
  }

  /** Whether the query's own patient is what is left out (else its slide, or itself). */
  public boolean patientsKnown() {
    return patients != null;
  }

  /** What a query's candidates leave out, in words for reports. */
  public String leftOut() {
    if (level == RetrievalLevel.PATIENT) {
      return "the query patient";
    }
    if (patientsKnown()) {
      return "the query's own patient (all its " + plural() + ")";
    }
    return level == RetrievalLevel.TILE
        ? "the query's own slide (no patient ids)"
        : "the query slide only (no patient ids)";
  }

  private String plural() {
    return level == RetrievalLevel.TILE ? "tiles" : "slides";
  }

  /** The items of {@code level} made from {@code tiles}. */
  public static CaseItems of(Tiles tiles, RetrievalLevel level, PatientFusion fusion) {
    boolean patientsKnown = tiles.patientsKnown();
    return switch (level) {
      case TILE -> tileItems(tiles, patientsKnown);
      case SLIDE -> slideItems(tiles, patientsKnown);
      case PATIENT -> {
        if (!patientsKnown) {
          throw new IllegalArgumentException(
              "patient-level retrieval needs the patient of every tile (a patient_id column);"
                  + " tile "
                  + firstWithout(tiles.ids(), tiles.patients())
                  + " has none");
        }
        yield patientItems(tiles, Objects.requireNonNull(fusion, "fusion"));
      }
    };
  }

  private static CaseItems tileItems(Tiles tiles, boolean patientsKnown) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < tiles.ids().size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> tiles.ids().get(a).compareTo(tiles.ids().get(b)));
    List<String> ids = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> slides = new ArrayList<>();
    List<String> patients = new ArrayList<>();
    for (int i : order) {
      ids.add(tiles.ids().get(i));
      embeddings.add(tiles.embeddings().get(i));
      labels.add(tiles.labels().get(i));
      String slide = tiles.slides().get(i);
      slides.add(slide == null || slide.isBlank() ? tiles.ids().get(i) : slide);
      patients.add(tiles.patients().get(i));
    }
    return new CaseItems(
        RetrievalLevel.TILE, ids, embeddings, labels, slides, patientsKnown ? patients : null, 0);
  }

  private static CaseItems slideItems(Tiles tiles, boolean patientsKnown) {
    Map<String, List<Integer>> bySlide = groupBy(tiles, tiles.slides(), "slide-level", "slide_id");
    List<String> ids = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> patients = new ArrayList<>();
    int mixed = 0;
    for (Map.Entry<String, List<Integer>> slide : bySlide.entrySet()) {
      ids.add(slide.getKey());
      embeddings.add(pool(tiles, slide.getValue()));
      Label label = label(tiles, slide.getValue(), "slide " + slide.getKey());
      labels.add(label.name());
      mixed += label.mixed() ? 1 : 0;
      if (patientsKnown) {
        patients.add(patientOf(tiles, slide.getKey(), slide.getValue()));
      }
    }
    return new CaseItems(
        RetrievalLevel.SLIDE, ids, embeddings, labels, ids, patientsKnown ? patients : null, mixed);
  }

  private static CaseItems patientItems(Tiles tiles, PatientFusion fusion) {
    Map<String, List<Integer>> byPatient =
        groupBy(tiles, tiles.patients(), "patient-level", "patient_id");
    if (fusion == PatientFusion.LATE) {
      // Late fusion pools slides: every tile needs one, and a slide one patient.
      groupBy(tiles, tiles.slides(), "late-fusion", "slide_id")
          .forEach((slide, members) -> patientOf(tiles, slide, members));
    }
    List<String> ids = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    int mixed = 0;
    for (Map.Entry<String, List<Integer>> patient : byPatient.entrySet()) {
      ids.add(patient.getKey());
      List<Integer> members = patient.getValue();
      if (fusion == PatientFusion.EARLY) {
        embeddings.add(pool(tiles, members));
      } else {
        Map<String, List<Integer>> bySlide = new TreeMap<>();
        for (int i : members) {
          bySlide.computeIfAbsent(tiles.slides().get(i), s -> new ArrayList<>()).add(i);
        }
        List<float[]> slideEmbeddings = new ArrayList<>();
        bySlide.values().forEach(m -> slideEmbeddings.add(pool(tiles, m)));
        embeddings.add(UnitMeanPooling.pool(slideEmbeddings));
      }
      Label label = label(tiles, members, "patient " + patient.getKey());
      labels.add(label.name());
      mixed += label.mixed() ? 1 : 0;
    }
    return new CaseItems(RetrievalLevel.PATIENT, ids, embeddings, labels, ids, ids, mixed);
  }

  /** Tile indices by key in key order; a tile without a key is refused. */
  private static Map<String, List<Integer>> groupBy(
      Tiles tiles, List<String> keys, String what, String column) {
    Map<String, List<Integer>> out = new TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            what
                + " retrieval needs the "
                + column
                + " of every tile; tile "
                + tiles.ids().get(i)
                + " has none");
      }
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    return out;
  }

  private static String patientOf(Tiles tiles, String slide, List<Integer> members) {
    String patient = tiles.patients().get(members.getFirst());
    for (int i : members) {
      if (!tiles.patients().get(i).equals(patient)) {
        throw new IllegalArgumentException(
            "slide "
                + slide
                + " has tiles of patients "
                + patient
                + " and "
                + tiles.patients().get(i)
                + "; a slide belongs to one patient");
      }
    }
    return patient;
  }

  private static float[] pool(Tiles tiles, List<Integer> members) {
    List<float[]> vectors = new ArrayList<>();
    members.forEach(i -> vectors.add(tiles.embeddings().get(i)));
    return UnitMeanPooling.pool(vectors);
  }

  private record Label(String name, boolean mixed) {}

  /** The tiles' label when they agree, else the majority; a tie is refused. */
  private static Label label(Tiles tiles, List<Integer> members, String what) {
    Map<String, Integer> counts = new TreeMap<>();
    members.forEach(i -> counts.merge(tiles.labels().get(i), 1, Integer::sum));
    int most = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    List<String> top =
        counts.entrySet().stream()
            .filter(e -> e.getValue() == most)
            .map(Map.Entry::getKey)
            .toList();
    if (top.size() > 1) {
      throw new IllegalArgumentException(
          what
              + " has no majority label: its tiles are "
              + counts
              + "; give its tiles one label or drop the tied ones");
    }
    return new Label(top.getFirst(), counts.size() > 1);
  }

  private static String firstWithout(List<String> ids, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null || values.get(i).isBlank()) {
        return ids.get(i);
      }
    }
    throw new IllegalStateException("every tile has one");
  }
}
