package org.pathlens.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pathlens.encoders.Embeddings;

/**
 * Patients as wholes, by the two fusions Patho-Bench names: {@link Fusion#EARLY} pools all the
 * tiles of a patient's slides (the mean of their unit embeddings, normalised), {@link Fusion#LATE}
 * the patient's stored slide vectors ({@link SlidePooling#MEAN}: the mean of its slides' vectors,
 * normalised, so each slide counts once whatever its size). A patient is the {@code patient_id} its
 * tiles carry; tiles and slides without one are left out.
 */
public final class PatientPooling {

  /** How a patient's vector is made. */
  public enum Fusion {
    EARLY,
    LATE
  }

  /** A patient's vector and how many slides went into it. */
  public record PatientVector(String patientId, float[] embedding, int slides) {}

  /** A patient of a ranking: its cosine to the query patient and its slide count. */
  public record PatientHit(String patientId, float score, int slides) {}

  private PatientPooling() {}

  /** Every patient's vector in {@code index}, by {@code fusion}, sorted by patient id. */
  public static List<PatientVector> vectors(TileIndex index, Fusion fusion) throws IOException {
    Map<String, double[]> sums = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Set<String>> slides = new TreeMap<>();
    if (fusion == Fusion.LATE) {
      requireSlideVectors(index, "late fusion pools the slide vectors");
      index
          .slideVectors()
          .forEach(
              SlidePooling.MEAN,
              v -> add(sums, counts, slides, v.patientId(), v.slideId(), v.embedding()));
    } else {
      index.forEachTile(
          TileFilter.ALL,
          t ->
              add(
                  sums,
                  counts,
                  slides,
                  t.record().patientId(),
                  t.record().slideId(),
                  t.embedding()));
    }
    List<PatientVector> vectors = new ArrayList<>();
    sums.forEach(
        (patient, sum) -> {
          float[] mean = new float[sum.length];
          for (int d = 0; d < mean.length; d++) {
            mean[d] = (float) (sum[d] / counts.get(patient));
          }
          vectors.add(
              new PatientVector(patient, Embeddings.l2Normalize(mean), slides.get(patient).size()));
        });
    return vectors;
  }

  /**
   * The {@code k} patients closest to {@code patientId} by cosine, best first (ties by id), the
   * query patient left out.
   *
   * @throws IllegalArgumentException when the index holds no tile of that patient
   */
  public static List<PatientHit> similar(TileIndex index, String patientId, int k, Fusion fusion)
      throws IOException {
    List<PatientVector> vectors = vectors(index, fusion);
    float[] query =
        vectors.stream()
            .filter(v -> v.patientId().equals(patientId))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--patient "
                            + patientId
                            + ": no tile of that patient_id in "
                            + index.location()))
            .embedding();
    return nearest(vectors, query, k, patientId);
  }

  /**
   * The {@code k} patients whose vector (by {@code fusion}) is closest to {@code query} (a text's
   * or an image's embedding, in the tiles' space), best first: patient-level search.
   */
  public static List<PatientHit> search(TileIndex index, float[] query, int k, Fusion fusion)
      throws IOException {
    return nearest(vectors(index, fusion), query, k, null);
  }

  /**
   * Every patient with its slides, sorted by patient and slide id: the cases view. Read from the
   * stored mean slide vectors, whose metadata keeps the patient_id all a slide's tiles share; an
   * index made before slide vectors existed is read tile by tile instead.
   */
  public static Map<String, List<String>> cases(TileIndex index) throws IOException {
    Map<String, Set<String>> cases = new TreeMap<>();
    if (index.slideVectors().methods().contains(SlidePooling.MEAN)) {
      index
          .slideVectors()
          .forEach(SlidePooling.MEAN, v -> addCase(cases, v.patientId(), v.slideId()));
    } else {
      index.forEachTile(
          TileFilter.ALL, t -> addCase(cases, t.record().patientId(), t.record().slideId()));
    }
    Map<String, List<String>> sorted = new TreeMap<>();
    cases.forEach((patient, slides) -> sorted.put(patient, List.copyOf(new TreeSet<>(slides))));
    return sorted;
  }

  private static void addCase(Map<String, Set<String>> cases, String patient, String slide) {
    if (patient != null && slide != null) {
      cases.computeIfAbsent(patient, p -> new HashSet<>()).add(slide);
    }
  }

  private static void requireSlideVectors(TileIndex index, String why) throws IOException {
    if (!index.slideVectors().methods().contains(SlidePooling.MEAN)) {
      throw new IllegalArgumentException(
          why
              + ", and "
              + index.location()
              + " has none: make them with ./pathlens index slide-vectors");
    }
  }

  /** Ranks {@code vectors} by cosine to {@code query}, ties by id, {@code exclude} left out. */
  private static List<PatientHit> nearest(
      List<PatientVector> vectors, float[] query, int k, String exclude) {
    return vectors.stream()
        .filter(v -> !v.patientId().equals(exclude))
        .map(v -> new PatientHit(v.patientId(), Embeddings.dot(query, v.embedding()), v.slides()))
        .sorted(
            Comparator.comparingDouble((PatientHit h) -> -h.score())
                .thenComparing(PatientHit::patientId))
        .limit(k)
        .toList();
  }

  private static void add(
      Map<String, double[]> sums,
      Map<String, Integer> counts,
      Map<String, Set<String>> slides,
      String patient,
      String slide,
      float[] embedding) {
    if (patient == null) {
      return;
    }
    double[] sum = sums.computeIfAbsent(patient, p -> new double[embedding.length]);
    for (int d = 0; d < sum.length; d++) {
      sum[d] += embedding[d];
    }
    counts.merge(patient, 1, Integer::sum);
    Set<String> of = slides.computeIfAbsent(patient, p -> new HashSet<>());
    if (slide != null) {
      of.add(slide);
    }
  }
}
