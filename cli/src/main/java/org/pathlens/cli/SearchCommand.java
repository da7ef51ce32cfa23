package org.pathlens.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.index.PatientPooling;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.query.HitJson;
import org.pathlens.index.query.IndexQueries;
import org.pathlens.index.query.ScoreCalibration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens search}: tiles of an index by text, image, caption keywords or both. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    header = "Search an index by text, image, keywords or text and keywords.",
    description = {
      "Search a tile index; prints one JSON line per hit, best first:",
      "  {\"rank\", \"id\", \"score\", \"slide_id\", \"x\", \"y\" (slide tiles) or \"source\" (tile files), \"label\", ...}",
      "Scores: cosine for --text and --image, BM25 for --keywords, reciprocal-rank fusion for --hybrid.",
      "Ties are broken by tile id, so runs repeat. With --level slide, whole slides by their stored mean",
      "embedding (index slide-vectors): {\"rank\", \"slide_id\", \"score\", \"matched_tiles\"} per slide.",
      "A --text tile search also prints \"calibration: {...}\" on stderr: the best hit's",
      "cosine (best_score), the text's mean cosine over the index's tiles (mean_score),",
      "a z and a verdict, against a fixed, versioned list of texts naming no finding",
      "(\"a photo of a cat\", \"a histology slide\", ...) scored on the same tiles;",
      "recorded with the index and recomputed when the index changes.",
      "  contrast = best cosine - the text's mean cosine over the tiles",
      "  z = (contrast - mean of the background's contrasts) / their sd",
      "  " + ScoreCalibration.RULE_VERDICT,
      "See docs/calibration.md."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens search --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --text \"tumor epithelium\" --filter \"site:center-a AND -label:BACK\" --k 3",
      "  ./pathlens search --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --image fixtures/golden/demo-bundle/images/he_224x224.png",
      "  ./pathlens search --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --keywords \"fat\"",
      "  ./pathlens search --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --hybrid \"fat cells\"",
      "  ./pathlens search --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --text \"tumor epithelium\" --level slide"
    })
final class SearchCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Mixin ModelOptions model;

  @Mixin IndexOption index;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Query query;

  static final class Query {
    @Option(
        names = "--text",
        paramLabel = "TEXT",
        description = "Tiles whose embedding is nearest the text's.")
    String text;

    @Option(
        names = "--image",
        paramLabel = "PATH",
        description = "Tiles whose embedding is nearest the image's.")
    Path image;

    @Option(
        names = "--keywords",
        paramLabel = "TEXT",
        description =
            "BM25 over captions, Lucene query syntax (plain words are OR-ed); loads no encoder.")
    String keywords;

    @Option(
        names = "--hybrid",
        paramLabel = "TEXT",
        description = "--text and --keywords fused by reciprocal rank.")
    String hybrid;
  }

  @Mixin FilterOption filter;

  @Option(
      names = "--level",
      paramLabel = "tile|slide|patient",
      description =
          "tile (default): tiles. slide: slides by the cosine of their mean embedding (--text or"
              + " --image; the index's slide vectors, made by ingest or index slide-vectors)."
              + " patient: patients (their tiles' patient_id) by the cosine of their pooled vector"
              + " (--fusion).")
  Level level = Level.TILE;

  /** What a hit is. */
  enum Level {
    TILE,
    SLIDE,
    PATIENT
  }

  @Mixin FusionOption fusion;

  @Mixin QueryOptions results = new QueryOptions(10);

  @Mixin AllowPartialOption partial;

  @Mixin MaxPixelsOption maxPixels;

  @Override
  public Integer call() throws Exception {
    int k = results.k();
    TileFilter tiles = filter.parse();
    try (IndexQuerySession session =
        IndexQuerySession.open(
            model,
            index.location,
            query.keywords == null,
            results.oversample,
            maxPixels.decoder())) {
      IndexQueries queries = session.queries().over(partial.reading(session.index()));
      if (level != Level.TILE) {
        return wholes(queries, k);
      }
      if (fusion.given()) {
        throw new IllegalArgumentException("--fusion pools patients: it goes with --level patient");
      }
      List<SearchHit> hits;
      if (query.text != null) {
        IndexQueries.TextHits found = queries.textCalibrated(query.text, k, tiles);
        hits = found.hits();
        found
            .best()
            .ifPresent(
                best ->
                    spec.commandLine()
                        .getErr()
                        .println(
                            "calibration: "
                                + HitJson.calibration(
                                    found.calibration().orElseThrow(), best, !tiles.keepsAll())));
      } else if (query.image != null) {
        hits = queries.image(query.image, k, tiles);
      } else if (query.keywords != null) {
        hits = queries.keywords(query.keywords, k, tiles);
      } else {
        hits = queries.hybrid(query.hybrid, k, tiles);
      }
      for (int i = 0; i < hits.size(); i++) {
        spec.commandLine().getOut().println(HitJson.tile(i + 1, hits.get(i)));
      }
      partial.report(spec);
    } catch (ImageDecodeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return 0;
  }

  /**
   * {@code --level slide|patient}: slides by their mean embedding's cosine to the text or image, or
   * patients by their pooled vector's.
   */
  private int wholes(IndexQueries queries, int k) throws Exception {
    String what = level.name().toLowerCase(Locale.ROOT);
    if (query.text == null && query.image == null) {
      throw new IllegalArgumentException(
          "--level " + what + " searches by --text or --image (" + what + "s have no captions)");
    }
    if (filter.given()) {
      throw new IllegalArgumentException(
          "--filter selects tiles; --level " + what + " takes no --filter");
    }
    if (level == Level.SLIDE && fusion.given()) {
      throw new IllegalArgumentException("--fusion pools patients: it goes with --level patient");
    }
    List<String> lines = new ArrayList<>();
    if (level == Level.SLIDE) {
      List<SlideHit> slides =
          query.text != null
              ? queries.slidesByText(query.text, k, Map.of())
              : queries.slidesByImage(query.image, k, Map.of());
      for (int i = 0; i < slides.size(); i++) {
        lines.add(HitJson.slide(i + 1, slides.get(i)));
      }
    } else {
      List<PatientPooling.PatientHit> patients =
          query.text != null
              ? queries.patientsByText(query.text, k, fusion.fusion())
              : queries.patientsByImage(query.image, k, fusion.fusion());
      for (int i = 0; i < patients.size(); i++) {
        lines.add(HitJson.patient(i + 1, patients.get(i)));
      }
    }
    lines.forEach(spec.commandLine().getOut()::println);
    partial.report(spec);
    return 0;
  }
}
