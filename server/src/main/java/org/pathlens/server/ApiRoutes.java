package org.pathlens.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.FacetValue;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideHit;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileRecord;
import org.pathlens.index.query.HitJson;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.ZeroShotClassifier;
import org.pathlens.prompts.slides.IndexClassifier;
import org.pathlens.prompts.slides.SlideClassification;
import org.pathlens.prompts.slides.SlidePooling;
import org.pathlens.prompts.slides.SlideViews;
import org.pathlens.prompts.slides.ZeroShotGeoJson;

/**
 * The routes of the API, one method each; every one parses and checks its parameters, then calls
 * the library call the command line makes. The OpenAPI description ({@code openapi.json} beside
 * this class) lists the same routes; a test keeps the two in step.
 */
final class ApiRoutes {

  /**
   * Longer side of a heatmap's slide thumbnail, as {@code pathlens heatmap} draws it by default.
   */
  private static final int HEATMAP_SIDE = 1024;

  private static final ObjectMapper SNAKE =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private final PathLensServer server;
  private final PromptSets prompts;
  private final TileImages tileImages;
  private final ImageDecoder decoder;
  private final DeepZoom deepZoom = new DeepZoom();

  ApiRoutes(
      PathLensServer server, PromptSets prompts, TileImages tileImages, ImageDecoder decoder) {
    this.server = server;
    this.prompts = prompts;
    this.tileImages = tileImages;
    this.decoder = decoder;
  }

  /**
   * Every route, each behind {@code guard} but the sign-in and sign-out that the guard itself
   * answers.
   */
  void register(RoutesConfig routes, TokenGuard guard) {
    routes.post("/api/session", guard::signIn);
    routes.delete("/api/session", guard::signOut);
    routes.get("/api/health", guard.protect(this::health));
    routes.get("/api/openapi.json", guard.protect(this::openApi));
    routes.get("/api/search", guard.protect(this::searchText));
    routes.post("/api/search", guard.protect(this::searchImage));
    routes.get("/api/similar", guard.protect(this::similarToSlide));
    routes.post("/api/similar", guard.protect(this::similarToImage));
    routes.post("/api/classify", guard.protect(this::classifyImage));
    routes.post("/api/preview", guard.protect(this::preview));
    routes.get("/api/prompts", guard.protect(this::promptSets));
    routes.get("/api/facets", guard.protect(this::facets));
    routes.get("/api/slides", guard.protect(this::slides));
    routes.get("/api/slides/{id}", guard.protect(this::slide));
    routes.get("/api/slides/{id}/thumbnail.png", guard.protect(this::thumbnail));
    routes.get("/api/slides/{id}/classify", guard.protect(this::classifySlide));
    routes.get("/api/slides/{id}/heatmap.png", guard.protect(this::heatmap));
    routes.get("/api/slides/{id}/overlay.png", guard.protect(this::overlay));
    routes.get("/api/slides/{id}/zeroshot.geojson", guard.protect(this::zeroShotGeoJson));
    routes.get("/api/slides/{id}/image.dzi", guard.protect(this::deepZoomDescriptor));
    routes.get("/api/slides/{id}/image_files/{level}/{tile}", guard.protect(this::deepZoomTile));
    // <id> may span segments: a tile folder ingested without a manifest names tiles by their
    // relative
    // path (ADI/tile-1.png), and Jetty refuses an encoded slash (%2F) inside one segment.
    routes.get("/api/tiles/<id>/image", guard.protect(this::tileImage));
  }

  private void health(Context ctx) throws IOException {
    ObjectNode body = server.object();
    body.put("status", "ok");
    body.put("model", server.model().bundle().config().name());
    body.put("model_hash", server.model().bundle().contentHash());
    body.put("stain", server.index().provenance().stain().describe());
    body.put("tiles", server.index().size());
    body.put("slides", server.slideIds().size());
    body.put("token_required", server.guard().required());
    ctx.json(body);
  }

  private void openApi(Context ctx) throws IOException {
    ctx.contentType("application/json").result(PathLensServer.resource("openapi.json"));
  }

  /**
   * A text that names no tissue: the best score it gets on the same tiles is the level a query has
   * to rise above before its matches mean anything (answered as {@code reference}).
   */
  static final String UNRELATED_TEXT = "a photo of a cat";

  private void searchText(Context ctx) {
    int k = Params.k(ctx, 10);
    TileFilter filter = Params.filter(ctx);
    String tile = ctx.queryParam("tile");
    if (tile != null) {
      // More like an indexed tile: its stored embedding is the query.
      server.async(
          ctx,
          () -> {
            try {
              return hits(server.queries().likeTile(tile, k, filter));
            } catch (IllegalArgumentException e) {
              throw new ApiException(404, e.getMessage(), "tile", e);
            }
          });
      return;
    }
    String text = Params.required(ctx, "text");
    String mode = ctx.queryParam("mode") == null ? "text" : ctx.queryParam("mode");
    if (mode.equals("keywords") || mode.equals("hybrid")) {
      server.async(
          ctx,
          () ->
              hits(
                  mode.equals("keywords")
                      ? server.queries().keywords(text, k, filter)
                      : server.queries().hybrid(text, k, filter)));
      return;
    }
    if (!mode.equals("text")) {
      throw ApiException.badParameter(
          "mode", "mode must be text, keywords or hybrid, got '" + mode + "'");
    }
    server.async(
        ctx,
        () -> {
          ObjectNode body = hits(server.queries().text(text, k, filter));
          List<SearchHit> unrelated = server.queries().text(UNRELATED_TEXT, 1, filter);
          if (!unrelated.isEmpty()) {
            ObjectNode reference = body.putObject("reference");
            reference.put("text", UNRELATED_TEXT);
            reference.put("best_score", unrelated.getFirst().score());
          }
          return body;
        });
  }

  private void searchImage(Context ctx) {
    int k = Params.k(ctx, 10);
    TileFilter filter = Params.filter(ctx);
    UploadedImage image = server.upload(ctx);
    server.async(ctx, () -> withFile(image, file -> hits(server.queries().image(file, k, filter))));
  }

  private void similarToSlide(Context ctx) throws IOException {
    String slide = Params.required(ctx, "slide");
    int k = Params.k(ctx, 5);
    boolean byEmbedding = Params.byEmbedding(ctx);
    server.requireIndexedSlide(slide);
    server.async(
        ctx,
        () ->
            slideHits(
                byEmbedding
                    ? server.queries().similarToSlideByEmbedding(slide, k)
                    : server.queries().similarToSlide(slide, k)));
  }

  private void similarToImage(Context ctx) {
    int k = Params.k(ctx, 5);
    boolean byEmbedding = Params.byEmbedding(ctx);
    UploadedImage image = server.upload(ctx);
    server.async(
        ctx,
        () ->
            withFile(
                image,
                file ->
                    slideHits(
                        byEmbedding
                            ? server.queries().similarToImageByEmbedding(file, k)
                            : server.queries().similarToImage(file, k))));
  }

  /** Longest side of a preview, in pixels. */
  static final int PREVIEW_SIDE = 512;

  /**
   * An uploaded image as a PNG of at most {@value #PREVIEW_SIDE} px on its longest side: the web
   * UI's preview of files a browser cannot show itself (TIFF, as NCT-CRC-HE ships its tiles). The
   * image is decoded as for embedding (the same limits), and scaled with PIL's antialiased bilinear
   * filter.
   */
  private void preview(Context ctx) {
    UploadedImage image = server.upload(ctx);
    server.async(
        ctx,
        () -> {
          RgbImage decoded = decoder.decode(image.bytes(), image.name());
          double scale =
              Math.min(1.0, PREVIEW_SIDE / (double) Math.max(decoded.width(), decoded.height()));
          RgbImage shown =
              scale == 1.0
                  ? decoded
                  : PilResize.resize(
                      decoded,
                      Math.max(1, (int) Math.round(decoded.width() * scale)),
                      Math.max(1, (int) Math.round(decoded.height() * scale)),
                      Interpolation.BILINEAR);
          return TileImages.png(shown);
        });
  }

  private void classifyImage(Context ctx) {
    if (ctx.queryParam("prompts") != null) {
      prompts.read(ctx.queryParam("prompts"), "prompts"); // a bad name costs no upload
    }
    UploadedImage image = server.upload(ctx);
    // The form was parsed with the upload, so reading a field of it reads no more of the body.
    String name =
        ctx.formParam("prompts") != null ? ctx.formParam("prompts") : ctx.queryParam("prompts");
    prompts.read(name, "prompts");
    server.async(
        ctx,
        () -> {
          ZeroShotClassifier classifier = prompts.classifier(name, "prompts");
          float[] embedding =
              server.queries().imageEncoder().encode(decoder.decode(image.bytes(), image.name()));
          ObjectNode body = server.object();
          body.put("prompts", name);
          putResult(body, classifier.classify(embedding));
          return body;
        });
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
  private void facets(Context ctx) throws IOException {
    String fields = ctx.queryParam("fields");
    List<String> names;
    if (fields == null || fields.isBlank()) {
      List<String> defaults = new ArrayList<>(List.of("site", "stain", "label"));
      defaults.addAll(server.index().extraFields());
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
    ObjectNode body = server.object();
    body.put("tiles", server.index().count(filter));
    ObjectNode facets = body.putObject("facets");
    for (String name : names) {
      List<FacetValue> values;
      try {
        values = server.index().facet(name, FACET_LIMIT);
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, e.getMessage(), "fields", e);
      }
      ArrayNode list = facets.putArray(name);
      for (FacetValue value : values) {
        list.addObject().put("value", value.value()).put("tiles", value.tiles());
      }
    }
    ctx.json(body);
  }

  private void promptSets(Context ctx) {
    ArrayNode sets = server.array();
    for (String name : prompts.names()) {
      PromptSet set = prompts.read(name, "prompts");
      ObjectNode entry = sets.addObject();
      entry.put("name", name);
      entry.put("description", set.description());
      set.classIds().forEach(entry.putArray("classes")::add);
    }
    ObjectNode body = server.object();
    body.set("prompt_sets", sets);
    ctx.json(body);
  }

  private void slides(Context ctx) throws IOException {
    ArrayNode slides = server.array();
    for (String id : server.slideIds()) {
      SlideRecord record = server.slideRecords().read(id);
      ObjectNode entry = slides.addObject();
      entry.put("slide_id", id);
      entry.put("vendor", record.vendor());
      entry.put("width", record.width());
      entry.put("height", record.height());
      entry.put("mpp", record.mppX());
      entry.put("tiles", record.tiles());
      entry.put("url", "/api/slides/" + segment(id));
      entry.put("thumbnail_url", "/api/slides/" + segment(id) + "/thumbnail.png");
    }
    ObjectNode body = server.object();
    body.set("slides", slides);
    ctx.json(body);
  }

  private void slide(Context ctx) throws IOException {
    String id = knownSlide(ctx);
    ObjectNode body = SNAKE.valueToTree(server.slideRecords().read(id));
    // The server's own paths are no business of the client's; it gets URLs instead.
    body.remove("path");
    body.remove("thumbnail");
    body.put("thumbnail_url", "/api/slides/" + segment(id) + "/thumbnail.png");
    ctx.json(body);
  }

  private void thumbnail(Context ctx) throws IOException {
    Path file =
        server
            .slideRecords()
            .thumbnail(knownSlide(ctx))
            .orElseThrow(
                () ->
                    ApiException.notFound("slide '" + ctx.pathParam("id") + "' has no thumbnail"));
    ctx.contentType("image/png").result(Files.readAllBytes(file));
  }

  /**
   * The slide's tiles, classified, as GeoJSON for QuPath: one polygon per tile in level-0 pixels,
   * the predicted class and the class probabilities ({@link ZeroShotGeoJson}).
   */
  private void zeroShotGeoJson(Context ctx) throws IOException {
    String slide = ctx.pathParam("id");
    String name = Params.required(ctx, "prompts");
    prompts.read(name, "prompts");
    server.requireIndexedSlide(slide);
    server.async(
        ctx,
        () -> {
          ObjectNode body =
              ZeroShotGeoJson.of(server.index(), slide, prompts.classifier(name, "prompts"));
          return new TileImages.Encoded(
              body.toString().getBytes(StandardCharsets.UTF_8), "application/geo+json");
        });
  }

  /** The slide as a Deep Zoom Image, for OpenSeadragon: its descriptor. */
  private void deepZoomDescriptor(Context ctx) throws IOException {
    SlideRecord record = server.slideRecords().read(knownSlide(ctx));
    ctx.contentType("application/xml")
        .result(
            DeepZoom.descriptor(
                record.levels().getFirst().width(), record.levels().getFirst().height()));
  }

  private static final Pattern DEEP_ZOOM_TILE = Pattern.compile("(\\d{1,9})_(\\d{1,9})\\.jpeg");

  /** One JPEG tile of the Deep Zoom Image: {@code image_files/<level>/<col>_<row>.jpeg}. */
  private void deepZoomTile(Context ctx) throws IOException {
    String id = knownSlide(ctx);
    SlideRecord record = server.slideRecords().read(id);
    Matcher tile = DEEP_ZOOM_TILE.matcher(ctx.pathParam("tile"));
    int level;
    try {
      level = Integer.parseInt(ctx.pathParam("level"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no deep-zoom level '" + ctx.pathParam("level") + "'");
    }
    if (!tile.matches()) {
      throw ApiException.notFound("no deep-zoom tile '" + ctx.pathParam("tile") + "'");
    }
    int col = Integer.parseInt(tile.group(1));
    int row = Integer.parseInt(tile.group(2));
    server.async(
        ctx,
        () ->
            new TileImages.Encoded(
                deepZoom.tile(
                    id,
                    Path.of(record.path()),
                    server
                        .slideRecords()
                        .thumbnail(id)
                        .orElseThrow(
                            () ->
                                ApiException.notFound(
                                    "slide '" + id + "' has no thumbnail for its overview levels")),
                    record.levels().getFirst().width(),
                    record.levels().getFirst().height(),
                    level,
                    col,
                    row),
                "image/jpeg"));
  }

  private void classifySlide(Context ctx) throws IOException {
    String slide = ctx.pathParam("id");
    String name = Params.required(ctx, "prompts");
    String classId = ctx.queryParam("class");
    prompts.read(name, "prompts");
    server.requireIndexedSlide(slide);
    server.async(
        ctx,
        () -> {
          ZeroShotClassifier classifier = prompts.classifier(name, "prompts");
          if (classId != null && !classifier.classIds().contains(classId)) {
            throw unknownClass(classId, name, classifier);
          }
          SlideClassification result =
              IndexClassifier.slides(
                      server.index(), TileFilter.slide(slide), classifier, SlidePooling.DEFAULT)
                  .getFirst();
          ObjectNode body = server.object();
          body.put("slide_id", result.slideId());
          body.put("prompts", name);
          putResult(body, result.result());
          body.put("tiles", result.tiles());
          body.put("pooling", result.pooling());
          String drawn = classId != null ? classId : result.result().prediction();
          String view = "?prompts=" + query(name) + "&class=" + query(drawn);
          body.put("heatmap_url", "/api/slides/" + segment(slide) + "/heatmap.png" + view);
          body.put("overlay_url", "/api/slides/" + segment(slide) + "/overlay.png" + view);
          return body;
        });
  }

  private void heatmap(Context ctx) throws IOException {
    drawSlide(ctx, (views, classId) -> views.heatmap(classId, HEATMAP_SIDE));
  }

  /**
   * The heatmap's colour layer alone, at the stored thumbnail's exact size, to stack on it in the
   * UI.
   */
  private void overlay(Context ctx) throws IOException {
    Path thumbnail =
        server
            .slideRecords()
            .thumbnail(knownSlide(ctx))
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "slide '"
                            + ctx.pathParam("id")
                            + "' has no thumbnail to lay a heatmap over"));
    drawSlide(
        ctx,
        (views, classId) -> {
          Dimension size = imageSize(thumbnail);
          return views.overlay(classId, size.width, size.height);
        });
  }

  @FunctionalInterface
  private interface SlideDrawing {
    BufferedImage draw(SlideViews views, String classId) throws IOException;
  }

  /**
   * Checks {@code prompts} and {@code class}, then draws the slide on the inference pool as a PNG.
   */
  private void drawSlide(Context ctx, SlideDrawing drawing) throws IOException {
    String slide = ctx.pathParam("id");
    String name = Params.required(ctx, "prompts");
    String classId = Params.required(ctx, "class");
    prompts.read(name, "prompts");
    server.requireIndexedSlide(slide);
    server.async(
        ctx,
        () -> {
          ZeroShotClassifier classifier = prompts.classifier(name, "prompts");
          if (!classifier.classIds().contains(classId)) {
            throw unknownClass(classId, name, classifier);
          }
          int tilePixels = server.model().bundle().config().image().size();
          SlideViews views;
          try {
            views = SlideViews.open(server.index(), slide, classifier, tilePixels);
          } catch (IllegalArgumentException e) {
            // The reason names the slide files on the server: it goes to the log, not the client.
            System.err.println(
                "pathlens serve: slide '" + slide + "' cannot be drawn: " + e.getMessage());
            throw new ApiException(
                404,
                "slide '"
                    + slide
                    + "' cannot be drawn from its source file; the server's log says why",
                null,
                e);
          }
          try (views) {
            return png(drawing.draw(views, classId));
          }
        });
  }

  private void tileImage(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    TileRecord tile =
        server
            .index()
            .get(id)
            .orElseThrow(() -> ApiException.notFound("no tile '" + id + "' in the index"));
    server.async(ctx, () -> tileImages.of(tile));
  }

  private String knownSlide(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    // Only ids listed in the index's slides/ folder resolve: a client's string never becomes a
    // path.
    if (!server.slideIds().contains(id)) {
      throw ApiException.notFound("no slide '" + id + "' in the index");
    }
    return id;
  }

  private static ApiException unknownClass(
      String classId, String name, ZeroShotClassifier classifier) {
    return ApiException.badParameter(
        "class",
        "no class '"
            + classId
            + "' in prompt set "
            + name
            + "; its classes: "
            + String.join(", ", classifier.classIds()));
  }

  private ObjectNode hits(List<SearchHit> hits) {
    ArrayNode list = server.array();
    for (int i = 0; i < hits.size(); i++) {
      ObjectNode hit = HitJson.tileNode(i + 1, hits.get(i));
      // The source is a path on the server: only its file name leaves it, for a tile that no
      // slide position identifies (a tile of a folder).
      JsonNode source = hit.remove("source");
      if (source != null && !(hit.has("x") && hit.has("y"))) {
        hit.put("file_name", Path.of(source.asText()).getFileName().toString());
      }
      hit.put("thumbnail_url", "/api/tiles/" + segments(hits.get(i).id()) + "/image");
      list.add(hit);
    }
    ObjectNode body = server.object();
    body.set("hits", list);
    return body;
  }

  private ObjectNode slideHits(List<SlideHit> hits) throws IOException {
    ArrayNode list = server.array();
    Set<String> recorded = Set.copyOf(server.slideIds());
    for (int i = 0; i < hits.size(); i++) {
      ObjectNode hit = HitJson.slideNode(i + 1, hits.get(i));
      // Only a slide with a record has a page; a tile folder's slide id would point at a 404.
      if (recorded.contains(hits.get(i).slideId())) {
        hit.put("url", "/api/slides/" + segment(hits.get(i).slideId()));
      }
      list.add(hit);
    }
    ObjectNode body = server.object();
    body.set("slides", list);
    return body;
  }

  private static void putResult(ObjectNode body, ClassProbabilities result) {
    body.put("prediction", result.prediction());
    ObjectNode probabilities = body.putObject("probabilities");
    for (int c = 0; c < result.classIds().size(); c++) {
      probabilities.put(result.classIds().get(c), result.probabilities()[c]);
    }
  }

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
          400, e.getMessage().replace(file.toString(), image.name()), UploadedImage.PART, e);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** An image file's pixel size, from its header: the pixels are not decoded. */
  private static Dimension imageSize(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new IOException(file + ": not an image the JDK reads");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        return new Dimension(reader.getWidth(0), reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    }
  }

  private static TileImages.Encoded png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return new TileImages.Encoded(out.toByteArray(), "image/png");
  }

  /** A path segment: percent-encoded, with spaces as %20. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Path segments: each part between slashes percent-encoded, the slashes kept. */
  static String segments(String value) {
    return String.join("/", Arrays.stream(value.split("/", -1)).map(ApiRoutes::segment).toList());
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
