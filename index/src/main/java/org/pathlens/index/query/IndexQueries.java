package org.pathlens.index.query;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.TextEncoder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.index.PatientPooling;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideEmbeddings;
import org.pathlens.index.SlideHit;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideSimilarity;
import org.pathlens.index.SlideVector;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * The searches a user asks for, from what they type or upload to a ranking: embeds the query with
 * the index's bundle, then asks the index. The command line's {@code search} and {@code similar}
 * and the REST API call these, so the two never differ. Query images get the stain normalisation
 * and test-time augmentation the index records for its tiles ({@link #imageEncoder}).
 *
 * @param index the index (its provenance was checked against the model's bundle when it was opened)
 * @param model the bundle's encoders; may be null for keyword search, which embeds nothing
 * @param decoder decodes query images
 */
public record IndexQueries(TileIndex index, VisionLanguageModel model, ImageDecoder decoder) {

  /**
   * The same searches over {@code reads}: this index as one request reads it ({@link
   * TileIndex#allowingPartial}).
   */
  public IndexQueries over(TileIndex reads) {
    return reads == index ? this : new IndexQueries(reads, model, decoder);
  }

  /** Tiles nearest to the text's embedding: "text-to-image" search. */
  public List<SearchHit> text(String text, int k, TileFilter filter) throws IOException {
    return index.search(encoders().texts().encode(text), k, filter);
  }

  /**
   * A text search with what its best hit means here ({@link ScoreCalibration}).
   *
   * @param hits the tiles nearest to the text, best first
   * @param query the text's embedding
   * @param calibration the index's calibration; empty when the index holds no tile
   */
  public record TextHits(
      List<SearchHit> hits, float[] query, Optional<ScoreCalibration> calibration) {

    /**
     * The best hit calibrated; empty when there is no hit, or when the background's contrasts do
     * not spread ({@link ScoreCalibration#canJudge}: an index of one tile).
     */
    public Optional<ScoreCalibration.Calibrated> best() {
      return hits.isEmpty()
          ? Optional.empty()
          : calibration
              .filter(ScoreCalibration::canJudge)
              .map(c -> c.calibrate(hits.getFirst().score(), query));
    }
  }

  /**
   * {@link #text} and the index's calibration beside it ({@link CalibrationRecords}): how the CLI,
   * the API and the UI tell a strong match from a weak one.
   */
  public TextHits textCalibrated(String text, int k, TileFilter filter) throws IOException {
    float[] query = encoders().texts().encode(text);
    return new TextHits(index.search(query, k, filter), query, calibration());
  }

  /** The index's calibration ({@link CalibrationRecords#of}). */
  public Optional<ScoreCalibration> calibration() throws IOException {
    CalibrationBackground background = CalibrationBackground.standard();
    return CalibrationRecords.of(
        index, background, () -> backgroundEmbeddings(encoders().texts(), background));
  }

  /** Background embeddings by text encoder: the same texts embed the same for an encoder. */
  private static final Map<TextEncoder, List<float[]>> BACKGROUND_EMBEDDINGS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static List<float[]> backgroundEmbeddings(
      TextEncoder encoder, CalibrationBackground background) {
    return BACKGROUND_EMBEDDINGS.computeIfAbsent(
        encoder, e -> List.copyOf(e.encode(background.texts())));
  }

  /**
   * Tiles nearest to an indexed tile's own stored embedding (itself first): "more like this" with
   * no image to upload.
   *
   * @throws IllegalArgumentException when the index has no tile {@code tileId}
   */
  public List<SearchHit> likeTile(String tileId, int k, TileFilter filter) throws IOException {
    List<float[]> found = new ArrayList<>();
    index.forEachTile(TileFilter.id(tileId), tile -> found.add(tile.embedding()));
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no tile '" + tileId + "' in the index");
    }
    return index.search(found.getFirst(), k, filter);
  }

  /**
   * Tiles nearest to a query refined by marked tiles ({@link RelevanceFeedback#ROCCHIO}): the
   * text's embedding, or an indexed tile's, or neither (the relevant tiles alone).
   *
   * @param text the query text, or null
   * @param tile the query tile's id, or null; not both
   */
  public RelevanceFeedback.Refined refined(
      String text,
      String tile,
      List<String> relevant,
      List<String> notRelevant,
      int k,
      TileFilter filter)
      throws IOException {
    float[] query = null;
    if (text != null) {
      query = encoders().texts().encode(text);
    } else if (tile != null) {
      List<float[]> found = new ArrayList<>();
      index.forEachTile(TileFilter.id(tile), t -> found.add(t.embedding()));
      if (found.isEmpty()) {
        throw new RelevanceFeedback.FeedbackException(
            "tile", "no tile '" + tile + "' in the index");
      }
      query = found.getFirst();
    }
    return RelevanceFeedback.ROCCHIO.search(index, query, relevant, notRelevant, k, filter);
  }

  /** Tiles nearest to an image file's embedding. */
  public List<SearchHit> image(Path image, int k, TileFilter filter) throws IOException {
    return index.search(embedImage(image), k, filter);
  }

  /** BM25 over captions; embeds nothing. */
  public List<SearchHit> keywords(String text, int k, TileFilter filter) throws IOException {
    return index.searchCaptions(text, k, filter);
  }

  /** The text's vector ranking and its caption ranking, fused by reciprocal rank. */
  public List<SearchHit> hybrid(String text, int k, TileFilter filter) throws IOException {
    return index.searchHybrid(encoders().texts().encode(text), text, k, filter);
  }

  /**
   * Slides most like {@code slideId}, leaving it out; see {@link SlideSimilarity} for the score.
   */
  public List<SlideHit> similarToSlide(String slideId, int k) throws IOException {
    return index.similarSlides(slideId, k);
  }

  /**
   * Slides holding the tiles most like an image file (one query tile, so the score is its best
   * match).
   */
  public List<SlideHit> similarToImage(Path image, int k) throws IOException {
    return index.similarSlides(List.of(embedImage(image)), null, k);
  }

  /**
   * Slides whose whole-slide embedding is nearest to {@code slideId}'s, leaving it out: the index's
   * stored slide vectors ({@link SlidePooling#MEAN}) where it has them, else computed from its
   * tiles in one pass ({@link SlideEmbeddings}).
   */
  public List<SlideHit> similarToSlideByEmbedding(String slideId, int k) throws IOException {
    return similarToSlideByEmbedding(slideId, k, false);
  }

  /**
   * As {@link #similarToSlideByEmbedding(String, int)}; with {@code excludePatient}, every slide of
   * the query's patient is left out too (the other slides of one case are not "similar cases").
   */
  public List<SlideHit> similarToSlideByEmbedding(String slideId, int k, boolean excludePatient)
      throws IOException {
    return similarToSlideByEmbedding(slideId, k, excludePatient, SlidePooling.MEAN);
  }

  /**
   * As {@link #similarToSlideByEmbedding(String, int, boolean)}, over the slide vectors of {@code
   * method} (imported ones, e.g. {@code titan}, are only stored, never computed here).
   */
  public List<SlideHit> similarToSlideByEmbedding(
      String slideId, int k, boolean excludePatient, String method) throws IOException {
    Optional<SlideVector> stored = index.slideVectors().find(slideId, method);
    if (stored.isEmpty() && !method.equals(SlidePooling.MEAN)) {
      throw new IllegalArgumentException(
          "no slide vector of '"
              + slideId
              + "' by method '"
              + method
              + "' in "
              + index.location()
              + "; the index has "
              + index.slideVectors().methods());
    }
    if (stored.isPresent()) {
      String patient = stored.get().patientId();
      if (excludePatient && patient == null) {
        throw new IllegalArgumentException(
            "slide '" + slideId + "' has no patient_id: there is no patient to leave out");
      }
      return index
          .slideVectors()
          .search(
              stored.get().embedding(),
              method,
              k,
              Map.of(),
              slideId,
              excludePatient ? patient : null);
    }
    if (excludePatient) {
      throw new IllegalArgumentException(
          "--exclude-patient needs the index's slide vectors: run ./pathlens index slide-vectors"
              + " --index "
              + index.location());
    }
    SlideEmbeddings slides = SlideEmbeddings.of(index);
    return slides.rank(slides.get(slideId).embedding(), slideId, k);
  }

  /** Slides whose whole-slide embedding is nearest to an image file's embedding. */
  public List<SlideHit> similarToImageByEmbedding(Path image, int k) throws IOException {
    float[] query = embedImage(image);
    if (index.slideVectors().methods().contains(SlidePooling.MEAN)) {
      return index.slideVectors().search(query, SlidePooling.MEAN, k, Map.of(), null, null);
    }
    return SlideEmbeddings.of(index).rank(query, null, k);
  }

  /**
   * Slides whose mean embedding is nearest to the text's: the cosine between the text and the
   * slide's mean tile embedding, i.e. its tiles' mean cosine to the text divided by how much they
   * agree with each other. Needs the index's slide vectors.
   *
   * @param where slide metadata every hit must have (e.g. {@code site}, {@code patient_id})
   */
  public List<SlideHit> slidesByText(String text, int k, Map<String, String> where)
      throws IOException {
    return slides(encoders().texts().encode(text), k, where);
  }

  /** Slides whose mean embedding is nearest to an image file's embedding. */
  public List<SlideHit> slidesByImage(Path image, int k, Map<String, String> where)
      throws IOException {
    return slides(embedImage(image), k, where);
  }

  /** Patients whose pooled embedding ({@code fusion}) is nearest to a text's embedding. */
  public List<PatientPooling.PatientHit> patientsByText(
      String text, int k, PatientPooling.Fusion fusion) throws IOException {
    return PatientPooling.search(index, encoders().texts().encode(text), k, fusion);
  }

  /** Patients whose pooled embedding ({@code fusion}) is nearest to an image file's embedding. */
  public List<PatientPooling.PatientHit> patientsByImage(
      Path image, int k, PatientPooling.Fusion fusion) throws IOException {
    return PatientPooling.search(index, embedImage(image), k, fusion);
  }

  private List<SlideHit> slides(float[] query, int k, Map<String, String> where)
      throws IOException {
    if (!index.slideVectors().methods().contains(SlidePooling.MEAN)) {
      throw new IllegalArgumentException(
          "index "
              + index.location()
              + " has no slide vectors: make them with ./pathlens index slide-vectors --index "
              + index.location()
              + " (ingest keeps them up to date from then on)");
    }
    return index.slideVectors().search(query, SlidePooling.MEAN, k, where, null, null);
  }

  private float[] embedImage(Path image) throws IOException {
    return imageEncoder().encode(decoder.decode(image));
  }

  /**
   * The image encoder with the index's stain handling: an uploaded image is normalised toward the
   * index's target (fitted on itself, its own slide) and augmented as the index's tiles were.
   */
  public ImageEncoder imageEncoder() {
    return encoders().images().withStain(index.provenance().stain());
  }

  private VisionLanguageModel encoders() {
    if (model == null) {
      throw new IllegalStateException(
          "this search embeds its query: it needs the model bundle loaded");
    }
    return model;
  }
}
