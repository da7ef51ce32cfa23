package org.pathlens.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageTooLargeException;
import org.pathlens.index.FacetValue;
import org.pathlens.index.PatientPooling;
import org.pathlens.index.SlideHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.query.HitJson;
import org.pathlens.index.query.IndexQueries;
import org.pathlens.index.query.RelevanceFeedback;

/** Searches: tiles by text, image or example tile; similar slides; facets for filters. */
final class SearchRoutes {

  private final PathLensServer server;
  private final IndexQueries queries;
  private final TileIndex index;

  SearchRoutes(PathLensServer server, IndexQueries queries, TileIndex index) {
    this.server = server;
    this.queries = queries;
    this.index = index;
  }

  void searchText(Context ctx) {
    int k = Params.k(ctx, 10);
    TileFilter filter = Params.filter(ctx);
    IndexReads reads = IndexReads.of(ctx, index);
    IndexQueries queries = this.queries.over(reads.index());
    String tile = ctx.queryParam("tile");
    if (tile != null) {
      // More like an indexed tile: its stored embedding is the query.
      server.async(
          ctx,
          () -> {
            try {
              return reads.mark(ApiJson.tileHits(server, queries.likeTile(tile, k, filter)));
            } catch (IllegalArgumentException e) {
              throw new ApiException(404, e.getMessage(), "tile", e);
            }
          });
      return;
    }
    String text = Params.required(ctx, "text");
    String level = Params.level(ctx);
    if (!level.equals("tile")) {
      if (ctx.queryParam("filter") != null || ctx.queryParam("mode") != null) {
        throw ApiException.badParameter(
            "level",
            "level=" + level + " searches " + level + "s by text alone: drop filter and mode");
      }
      PatientPooling.Fusion fusion = Params.fusion(ctx);
      server.async(
          ctx,
          () -> {
            try {
              return reads.mark(
                  level.equals("slide")
                      ? ApiJson.slideHits(server, queries.slidesByText(text, k, Map.of()))
                      : ApiJson.patientHits(server, queries.patientsByText(text, k, fusion)));
            } catch (IllegalArgumentException e) {
              throw ApiException.badParameter("level", e.getMessage());
            }
          });
      return;
    }
    String mode = ctx.queryParam("mode") == null ? "text" : ctx.queryParam("mode");
    if (mode.equals("keywords") || mode.equals("hybrid")) {
      server.async(
          ctx,
          () ->
              reads.mark(
                  ApiJson.tileHits(
                      server,
                      mode.equals("keywords")
                          ? queries.keywords(text, k, filter)
                          : queries.hybrid(text, k, filter))));
      return;
    }
    if (!mode.equals("text")) {
      throw ApiException.badParameter(
          "mode", "mode must be text, keywords or hybrid, got '" + mode + "'");
    }
    server.async(
        ctx,
        () -> {
          IndexQueries.TextHits found = queries.textCalibrated(text, k, filter);
          ObjectNode body = ApiJson.tileHits(server, found.hits());
          found
              .best()
              .ifPresent(
                  best ->
                      body.set(
                          "calibration",
                          HitJson.calibrationNode(
                              found.calibration().orElseThrow(), best, !filter.keepsAll())));
          return reads.mark(body);
        });
  }

  /**
   * {@code POST /api/search/refine}: the text's or tile's search refined by the tiles a user marked
   * ({@link RelevanceFeedback}), answered as {@code GET /api/search} answers, with the refined
   * query's parameters under {@code "refine"}.
   */
  void refine(Context ctx) {
    RefineRequest request = RefineRequest.parse(server.json(), ctx.body());
    IndexReads reads = IndexReads.of(ctx, index);
    IndexQueries queries = this.queries.over(reads.index());
    server.async(
        ctx,
        () -> {
          RelevanceFeedback.Refined refined;
          try {
            refined =
                queries.refined(
                    request.text(),
                    request.tile(),
                    request.relevant(),
                    request.notRelevant(),
                    request.k(),
                    request.filter());
          } catch (RelevanceFeedback.FeedbackException e) {
            throw ApiException.badParameter(e.field(), e.getMessage());
          }
          ObjectNode body = ApiJson.tileHits(server, refined.hits());
          ObjectNode echo = body.putObject("refine");
          echo.put(
              "query",
              request.text() != null ? "text" : request.tile() != null ? "tile" : "relevant");
          if (request.text() != null) {
            echo.put("text", request.text());
          }
          if (request.tile() != null) {
            echo.put("tile", request.tile());
          }
          RelevanceFeedback weights = RelevanceFeedback.ROCCHIO;
          echo.put("alpha", weights.alpha());
          echo.put("beta", weights.beta());
          echo.put("gamma", weights.gamma());
          echo.set("relevant", server.json().valueToTree(request.relevant()));
          echo.set("not_relevant", server.json().valueToTree(request.notRelevant()));
          echo.put("excluded", refined.excluded());
          echo.put("k", request.k());
          if (request.filterText() != null) {
            echo.put("filter", request.filterText());
          }
          return reads.mark(body);
        });
  }

  void searchImage(Context ctx) {
    int k = Params.k(ctx, 10);
    TileFilter filter = Params.filter(ctx);
    IndexReads reads = IndexReads.of(ctx, index);
    IndexQueries queries = this.queries.over(reads.index());
    UploadedImage image = server.upload(ctx);
    server.asyncDecoding(
        ctx,
        image,
        () ->
            withFile(
                image,
                file -> reads.mark(ApiJson.tileHits(server, queries.image(file, k, filter)))));
  }

  void similarToSlide(Context ctx) throws IOException {
    if (ctx.queryParam("patient") != null) {
      similarToPatient(ctx);
      return;
    }
    String slide = Params.required(ctx, "slide");
    int k = Params.k(ctx, 5);
    boolean byEmbedding = Params.byEmbedding(ctx);
    boolean excludePatient = Params.flag(ctx, "exclude_patient");
    if (excludePatient && !byEmbedding) {
      throw ApiException.badParameter(
          "exclude_patient", "exclude_patient=true goes with method=embedding");
    }
    IndexReads reads = IndexReads.of(ctx, index);
    IndexQueries queries = this.queries.over(reads.index());
    reads.requireIndexedSlide(slide);
    server.async(
        ctx,
        () ->
            reads.mark(
                ApiJson.slideHits(
                    server,
                    byEmbedding
                        ? similarByEmbedding(queries, slide, k, excludePatient)
                        : queries.similarToSlide(slide, k))));
  }

  /** {@code GET /api/similar?patient=ID}: other patients by the cosine of patient vectors. */
  private void similarToPatient(Context ctx) {
    String patient = Params.required(ctx, "patient");
    int k = Params.k(ctx, 5);
    PatientPooling.Fusion fusion = Params.fusion(ctx);
    IndexReads reads = IndexReads.of(ctx, index);
    server.async(
        ctx,
        () -> {
          try {
            return reads.mark(
                ApiJson.patientHits(
                    server, PatientPooling.similar(reads.index(), patient, k, fusion)));
          } catch (IllegalArgumentException e) {
            throw new ApiException(404, e.getMessage(), "patient", e);
          }
        });
  }

  /**
   * {@code GET /api/patients}: the cases view, every patient with its slides ({@link
   * PatientPooling#cases}).
   */
  void patients(Context ctx) {
    IndexReads reads = IndexReads.of(ctx, index);
    server.async(ctx, () -> reads.mark(ApiJson.cases(server, PatientPooling.cases(reads.index()))));
  }

  private static List<SlideHit> similarByEmbedding(
      IndexQueries queries, String slide, int k, boolean excludePatient) throws IOException {
    try {
      return queries.similarToSlideByEmbedding(slide, k, excludePatient);
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter("exclude_patient", e.getMessage());
    }
  }

  void similarToImage(Context ctx) {
    int k = Params.k(ctx, 5);
    boolean byEmbedding = Params.byEmbedding(ctx);
    IndexReads reads = IndexReads.of(ctx, index);
    IndexQueries queries = this.queries.over(reads.index());
    UploadedImage image = server.upload(ctx);
    server.asyncDecoding(
        ctx,
        image,
        () ->
            withFile(
                image,
                file ->
                    reads.mark(
                        ApiJson.slideHits(
                            server,
                            byEmbedding
                                ? queries.similarToImageByEmbedding(file, k)
                                : queries.similarToImage(file, k)))));
  }

  /** Most values of a facet returned. */
  private static final int FACET_LIMIT = 100;

  /** Fields one facets request counts at most. */
  private static final int MAX_FACET_FIELDS = 10;

  /**
   * The values of metadata fields with their tile counts, and the tiles passing {@code filter}:
   * what the UI offers in its filter boxes, and how it tells a filter that leaves nothing from a
   * query that matches nothing. By default site, stain and label, then the index's own columns
   * ({@link org.pathlens.index.TileIndex#extraFields}), {@value #MAX_FACET_FIELDS} fields at most.
   */
  void facets(Context ctx) throws IOException {
    IndexReads reads = IndexReads.of(ctx, index);
    TileIndex index = reads.index();
    String fields = ctx.queryParam("fields");
    List<String> names;
    if (fields == null || fields.isBlank()) {
      List<String> defaults = new ArrayList<>(List.of("site", "stain", "label"));
      defaults.addAll(index.extraFields());
      names = defaults.subList(0, Math.min(MAX_FACET_FIELDS, defaults.size()));
    } else {
      names =
          Arrays.stream(fields.split(",")).map(String::strip).filter(f -> !f.isEmpty()).toList();
    }
    if (names.size() > MAX_FACET_FIELDS) {
      throw ApiException.badParameter(
          "fields", "at most " + MAX_FACET_FIELDS + " fields, got " + names.size());
    }
    TileFilter filter = Params.filter(ctx);
    Map<String, List<FacetValue>> facets = new LinkedHashMap<>();
    for (String name : names) {
      try {
        facets.put(name, index.facet(name, FACET_LIMIT));
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, e.getMessage(), "fields", e);
      }
    }
    ctx.json(reads.mark(server.json().valueToTree(new Facets(index.count(filter), facets))));
  }

  /**
   * {@code GET /api/facets}.
   *
   * @param tiles the tiles passing the filter
   * @param facets each field's values with their tile counts, in the order asked
   */
  record Facets(int tiles, Map<String, List<FacetValue>> facets) {}

  @FunctionalInterface
  private interface FileWork<T> {
    T run(Path file) throws IOException;
  }

  /** Runs {@code work} on the upload saved to a temporary file, deleted afterwards. */
  private <T> T withFile(UploadedImage image, FileWork<T> work) throws IOException {
    Path file = image.toTemporaryFile(server.uploads());
    try {
      return work.run(file);
    } catch (ImageDecodeException e) {
      // The message would name the temporary file; name the client's instead.
      throw new ApiException(
          e instanceof ImageTooLargeException ? 413 : 400,
          e.getMessage().replace(file.toString(), image.name()),
          UploadedImage.PART,
          e);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
