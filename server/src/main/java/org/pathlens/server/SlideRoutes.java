package org.pathlens.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.pathlens.index.IndexUnavailableException;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.Thumbnails;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.slides.IndexClassifier;
import org.pathlens.prompts.slides.QuPathObjectType;
import org.pathlens.prompts.slides.SlideClassification;
import org.pathlens.prompts.slides.SlidePooling;
import org.pathlens.prompts.slides.SlideViews;
import org.pathlens.prompts.slides.ZeroShotGeoJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A slide's pages: its record and thumbnail, zero-shot classification, heatmaps and overlays,
 * GeoJSON for QuPath, and the Deep Zoom pyramid for the viewer.
 */
final class SlideRoutes {

  /** Server-side diagnostics (slf4j): the application's binding decides where they go. */
  private static final Logger LOG = LoggerFactory.getLogger(SlideRoutes.class);

  /**
   * Longer side of a heatmap's slide thumbnail, as {@code pathlens heatmap} draws it by default.
   */
  private static final int HEATMAP_SIDE = 1024;

  private final PathLensServer server;
  private final PromptSets prompts;
  private final SavedClassifierModels saved;
  private final TileIndex index;
  private final SlideRecords records;
  private final int tilePixels;
  private final DeepZoom deepZoom = new DeepZoom();

  /**
   * @param tilePixels the side of the model's input tiles, which heatmaps draw tiles at
   */
  SlideRoutes(
      PathLensServer server,
      PromptSets prompts,
      SavedClassifierModels saved,
      TileIndex index,
      SlideRecords records,
      int tilePixels) {
    this.server = server;
    this.prompts = prompts;
    this.saved = saved;
    this.index = index;
    this.records = records;
    this.tilePixels = tilePixels;
  }

  void slides(Context ctx) throws IOException {
    IndexReads reads = IndexReads.of(ctx, index);
    // The index's own records unless this request reads through a view that accepts partial lists.
    SlideRecords records = reads.index() == index ? this.records : reads.index().slideRecords();
    List<SlideEntry> slides = new ArrayList<>();
    List<UnreadableSlide> unreadable = new ArrayList<>();
    for (String id : records.slideIds()) {
      SlideRecord record;
      try {
        record = records.read(id);
      } catch (IndexUnavailableException e) {
        throw e; // the cluster, not this record: a 503 for the whole list
      } catch (IOException e) {
        // One damaged record costs its own slide, not the list.
        LOG.warn("pathlens serve: the record of slide '{}' cannot be read: {}", id, e.getMessage());
        unreadable.add(new UnreadableSlide(id, DAMAGED));
        continue;
      }
      slides.add(
          new SlideEntry(
              id,
              record.vendor(),
              record.width(),
              record.height(),
              record.mppX(),
              record.tiles(),
              "/api/slides/" + ApiJson.segment(id),
              "/api/slides/" + ApiJson.segment(id) + "/thumbnail.png"));
    }
    ctx.json(reads.mark(server.json().valueToTree(new SlideList(slides, unreadable))));
  }

  /** Why a slide whose record does not parse is left out; the details go to the log. */
  private static final String DAMAGED =
      "its record cannot be read (damaged or cut short): ./pathlens index check names the fault;"
          + " re-ingest the slide";

  /**
   * {@code GET /api/slides}: the slides with a page, and those whose record cannot be read.
   *
   * @param unreadable slides left out of {@code slides}, each with the reason
   */
  record SlideList(List<SlideEntry> slides, List<UnreadableSlide> unreadable) {}

  /** A slide of {@link SlideList} whose record cannot be read. */
  record UnreadableSlide(String slideId, String error) {}

  /** One slide of {@link SlideList}. */
  record SlideEntry(
      String slideId,
      String vendor,
      long width,
      long height,
      double mpp,
      long tiles,
      String url,
      String thumbnailUrl) {}

  void slide(Context ctx) throws IOException {
    String id = knownSlide(ctx);
    SlideRecord record = record(id);
    ObjectNode body = server.json().valueToTree(record);
    // The server's own paths and checks are no business of the client's; it gets URLs instead.
    body.remove("path");
    body.remove("thumbnail");
    body.remove("thumbnail_sha256");
    body.remove("fingerprint");
    body.put("thumbnail_url", "/api/slides/" + ApiJson.segment(id) + "/thumbnail.png");
    ctx.json(body);
  }

  void thumbnail(Context ctx) throws IOException {
    String id = knownSlide(ctx);
    SlideRecord record = record(id);
    ctx.contentType("image/png").result(verified(record, thumbnail(id, "")));
  }

  /**
   * The slide's tiles, classified, as GeoJSON for QuPath: one polygon per tile in level-0 pixels,
   * the predicted class and the class probabilities ({@link ZeroShotGeoJson}), each tile a QuPath
   * object of the type {@code object_type} asks for ({@code tile} unless it says otherwise).
   */
  void zeroShotGeoJson(Context ctx) throws IOException {
    String slide = ctx.pathParam("id");
    ClassifierChoice choice = ClassifierChoice.of(ctx, prompts, saved);
    QuPathObjectType objectType = objectType(ctx);
    server.requireIndexedSlide(slide);
    server.async(
        ctx,
        () -> {
          ObjectNode body =
              ZeroShotGeoJson.of(index, slide, choice.classifier(prompts, saved), objectType);
          return new TileImages.Encoded(
              body.toString().getBytes(StandardCharsets.UTF_8), "application/geo+json");
        });
  }

  /** {@code object_type}: {@code tile} (the default), {@code detection} or {@code annotation}. */
  private static QuPathObjectType objectType(Context ctx) {
    String value = ctx.queryParam("object_type");
    if (value == null || value.isBlank()) {
      return QuPathObjectType.TILE;
    }
    try {
      return QuPathObjectType.of(value.strip());
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter(
          "object_type",
          "object_type must be " + QuPathObjectType.choices() + ", got '" + value + "'");
    }
  }

  /** The slide as a Deep Zoom Image, for OpenSeadragon: its descriptor. */
  void deepZoomDescriptor(Context ctx) throws IOException {
    SlideRecord record = record(knownSlide(ctx));
    ctx.contentType("application/xml")
        .result(
            DeepZoom.descriptor(
                record.levels().getFirst().width(), record.levels().getFirst().height()));
  }

  private static final Pattern DEEP_ZOOM_TILE = Pattern.compile("(\\d{1,9})_(\\d{1,9})\\.jpeg");

  /** One JPEG tile of the Deep Zoom Image: {@code image_files/<level>/<col>_<row>.jpeg}. */
  void deepZoomTile(Context ctx) throws IOException {
    String id = knownSlide(ctx);
    SlideRecord record = record(id);
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
                    verifiedThumbnail(record, " for its overview levels"),
                    record.levels().getFirst().width(),
                    record.levels().getFirst().height(),
                    level,
                    col,
                    row),
                "image/jpeg"));
  }

  void classifySlide(Context ctx) throws IOException {
    String slide = ctx.pathParam("id");
    ClassifierChoice choice = ClassifierChoice.of(ctx, prompts, saved);
    String classId = ctx.queryParam("class");
    IndexReads reads = IndexReads.of(ctx, index);
    reads.requireIndexedSlide(slide);
    server.async(
        ctx,
        () -> {
          ScaledClassifier classifier = choice.classifier(prompts, saved);
          if (classId != null && !classifier.classIds().contains(classId)) {
            throw unknownClass(classId, choice, classifier);
          }
          SlideClassification result =
              IndexClassifier.slides(
                      reads.index(), TileFilter.slide(slide), classifier, SlidePooling.DEFAULT)
                  .getFirst();
          ObjectNode body = server.object();
          body.put("slide_id", result.slideId());
          choice.putInto(body);
          ApiJson.putResult(body, result.result());
          body.put("tiles", result.tiles());
          body.put("pooling", result.pooling());
          String drawn = classId != null ? classId : result.result().prediction();
          String view = "?" + choice.query() + "&class=" + ApiJson.query(drawn);
          body.put("heatmap_url", "/api/slides/" + ApiJson.segment(slide) + "/heatmap.png" + view);
          body.put("overlay_url", "/api/slides/" + ApiJson.segment(slide) + "/overlay.png" + view);
          return reads.mark(body);
        });
  }

  void heatmap(Context ctx) throws IOException {
    drawSlide(ctx, (views, classId) -> views.heatmap(classId, HEATMAP_SIDE));
  }

  /**
   * The heatmap's colour layer alone, at the stored thumbnail's exact size, to stack on it in the
   * UI.
   */
  void overlay(Context ctx) throws IOException {
    Path thumbnail = verifiedThumbnail(record(knownSlide(ctx)), " to lay a heatmap over");
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
   * Checks {@code prompts} (or {@code classifier}) and {@code class}, then draws the slide on the
   * inference pool as a PNG.
   */
  private void drawSlide(Context ctx, SlideDrawing drawing) throws IOException {
    String slide = ctx.pathParam("id");
    ClassifierChoice choice = ClassifierChoice.of(ctx, prompts, saved);
    String classId = Params.required(ctx, "class");
    server.requireIndexedSlide(slide);
    server.async(
        ctx,
        () -> {
          ScaledClassifier classifier = choice.classifier(prompts, saved);
          if (!classifier.classIds().contains(classId)) {
            throw unknownClass(classId, choice, classifier);
          }
          SlideViews views;
          try {
            views = SlideViews.open(index, slide, classifier, tilePixels);
          } catch (IllegalArgumentException e) {
            // The reason names the slide files on the server: it goes to the log, not the client.
            LOG.warn("pathlens serve: slide '{}' cannot be drawn: {}", slide, e.getMessage());
            throw new ApiException(
                404,
                "slide '"
                    + slide
                    + "' cannot be drawn from its source file; the server's log says why",
                null,
                e);
          }
          try (views) {
            return ApiJson.png(drawing.draw(views, classId));
          }
        });
  }

  /**
   * The record of a known slide; one that cannot be read is a JSON error for this slide alone, its
   * details in the log.
   */
  private SlideRecord record(String id) throws IOException {
    try {
      return records.read(id);
    } catch (IndexUnavailableException e) {
      throw e;
    } catch (IOException e) {
      LOG.warn("pathlens serve: the record of slide '{}' cannot be read: {}", id, e.getMessage());
      throw new ApiException(500, "slide '" + id + "': " + DAMAGED, null, e);
    }
  }

  /** Why a slide's thumbnail is not served; the details (the file, the hashes) go to the log. */
  private static final String DAMAGED_THUMBNAIL =
      "its thumbnail is damaged (it fails its hash or does not decode): ./pathlens index check"
          + " names the fault; re-ingest the slide";

  /** The bytes of {@code file}, the thumbnail of {@code record}'s slide, once verified. */
  private static byte[] verified(SlideRecord record, Path file) throws IOException {
    try {
      return Thumbnails.readVerified(file, record);
    } catch (Thumbnails.DamagedThumbnailException e) {
      LOG.warn("pathlens serve: slide '{}': {}", record.slideId(), e.getMessage());
      throw new ApiException(
          500, "slide '" + record.slideId() + "': " + DAMAGED_THUMBNAIL, null, e);
    }
  }

  /** The slide's stored thumbnail, verified; a 404 saying the slide has none {@code forWhat}. */
  private Path verifiedThumbnail(SlideRecord record, String forWhat) throws IOException {
    Path file = thumbnail(record.slideId(), forWhat);
    verified(record, file);
    return file;
  }

  /** The slide's stored thumbnail; a 404 saying the slide has none {@code forWhat}. */
  private Path thumbnail(String slideId, String forWhat) throws IOException {
    return records
        .thumbnail(slideId)
        .orElseThrow(
            () -> ApiException.notFound("slide '" + slideId + "' has no thumbnail" + forWhat));
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
      String classId, ClassifierChoice choice, ScaledClassifier classifier) {
    return ApiException.badParameter(
        "class",
        "no class '"
            + classId
            + "' in "
            + choice.describe()
            + "; its classes: "
            + String.join(", ", classifier.classIds()));
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
}
