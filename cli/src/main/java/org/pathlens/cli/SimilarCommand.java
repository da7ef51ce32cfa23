package org.pathlens.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.index.PatientPooling;
import org.pathlens.index.SlideHit;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.TileIndex;
import org.pathlens.index.query.HitJson;
import org.pathlens.index.query.IndexQueries;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens similar}: slides like a slide of the index, or like an image. */
@Command(
    name = "similar",
    mixinStandardHelpOptions = true,
    header = "Find the slides most similar to an indexed slide or an image.",
    description = {
      "Similar cases: slides ranked by how closely their tiles match the query's; prints one JSON line per",
      "slide: {\"rank\", \"slide_id\", \"score\", \"matched_tiles\"}. The query slide itself is left out.",
      "Score: for each query tile (up to 256 of the slide's, evenly spaced; or the one image) its best cosine",
      "to a tile of the candidate slide among its 100 nearest tiles; a slide's score is the mean of its 8",
      "best query-tile matches (missing ones count 0). The best match per query tile ignores the",
      "candidate's unrelated tissue, and averaging several keeps one look-alike tile from winning; a mean",
      "slide embedding would blur a small matching region into the rest of a large slide. That is why it",
      "is the default; --rank-by embedding ranks by the cosine of whole-slide embeddings (mean of the",
      "slide's tile embeddings, normalised; matched_tiles is then the slide's tile count). With --patient:",
      "other patients by the cosine of patient vectors ({\"rank\", \"patient_id\", \"score\", \"slides\"}); late",
      "fusion (default) averages the patient's slide vectors, early fusion all its tiles."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens similar --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --slide slide",
      "  ./pathlens similar --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --image fixtures/golden/demo-bundle/images/he_224x224.png \\",
      "      --rank-by embedding"
    })
final class SimilarCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Mixin ModelOptions model;

  @Mixin IndexOption index;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  static final class Query {
    @Option(
        names = "--slide",
        paramLabel = "ID",
        description = "A slide in the index (its slide_id); loads no encoder.")
    String slide;

    @Option(
        names = "--image",
        paramLabel = "PATH",
        description = "An image (a tile or region) to find slides for.")
    Path image;

    @Option(
        names = "--patient",
        paramLabel = "ID",
        description =
            "A patient in the index (its patient_id): other patients like it; loads no encoder.")
    String patient;
  }

  @Mixin FusionOption fusion;

  @Option(
      names = "--rank-by",
      paramLabel = "tiles|embedding",
      description = "Slide score: best tile matches (default) or whole-slide embedding cosine.")
  RankBy rankBy = RankBy.TILES;

  @Option(
      names = "--exclude-patient",
      description =
          "With --slide and --rank-by embedding: leave out every slide of the query slide's patient"
              + " (its patient_id), so the answer is other cases.")
  boolean excludePatient;

  @Option(
      names = "--slide-vectors",
      paramLabel = "METHOD",
      description =
          "With --slide and --rank-by embedding: the index's slide vectors to compare (default mean;"
              + " imported ones by their name, e.g. titan).")
  String slideVectors = SlidePooling.MEAN;

  /** What a candidate slide's score is. */
  enum RankBy {
    /** The mean of the best matches of the query's tiles among the slide's. */
    TILES,
    /** The cosine of whole-slide embeddings. */
    EMBEDDING
  }

  @Mixin QueryOptions results = new QueryOptions(5);

  @Mixin AllowPartialOption partial;

  @Mixin MaxPixelsOption maxPixels;

  @Override
  public Integer call() throws Exception {
    int k = results.k();
    boolean byEmbedding = rankBy == RankBy.EMBEDDING;
    if (!slideVectors.equals(SlidePooling.MEAN) && (!byEmbedding || query.slide == null)) {
      throw new IllegalArgumentException(
          "--slide-vectors goes with --slide and --rank-by embedding");
    }
    if (query.patient != null) {
      return patients(k);
    }
    if (fusion.given()) {
      throw new IllegalArgumentException("--fusion goes with --patient");
    }
    if (excludePatient && (!byEmbedding || query.slide == null)) {
      throw new IllegalArgumentException(
          "--exclude-patient goes with --slide and --rank-by embedding");
    }
    try (IndexQuerySession session =
        IndexQuerySession.open(
            model, index.location, query.image != null, results.oversample, maxPixels.decoder())) {
      TileIndex reads = partial.reading(session.index());
      IndexQueries queries = session.queries().over(reads);
      List<SlideHit> slides;
      if (query.slide != null) {
        partial.requireSlideSeen(reads, query.slide);
        slides =
            byEmbedding
                ? queries.similarToSlideByEmbedding(query.slide, k, excludePatient, slideVectors)
                : queries.similarToSlide(query.slide, k);
      } else {
        slides =
            byEmbedding
                ? queries.similarToImageByEmbedding(query.image, k)
                : queries.similarToImage(query.image, k);
      }
      for (int i = 0; i < slides.size(); i++) {
        spec.commandLine().getOut().println(HitJson.slide(i + 1, slides.get(i)));
      }
      partial.report(spec);
    } catch (ImageDecodeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return 0;
  }

  /** {@code --patient}: other patients by the cosine of patient vectors. */
  private int patients(int k) throws Exception {
    try (IndexQuerySession session =
        IndexQuerySession.open(
            model, index.location, false, results.oversample, maxPixels.decoder())) {
      List<PatientPooling.PatientHit> hits =
          PatientPooling.similar(
              partial.reading(session.index()), query.patient, k, fusion.fusion());
      for (int i = 0; i < hits.size(); i++) {
        spec.commandLine().getOut().println(HitJson.patient(i + 1, hits.get(i)));
      }
      partial.report(spec);
    }
    return 0;
  }
}
