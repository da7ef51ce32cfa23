package org.pathlens.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.query.IndexQueries;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.ZeroShotClassifier;

/** Zero-shot classification of an uploaded tile, the prompt sets, and previews of uploads. */
final class ClassifyRoutes {

  private final PathLensServer server;
  private final PromptSets prompts;
  private final ImageDecoder decoder;
  private final IndexQueries queries;

  ClassifyRoutes(
      PathLensServer server, PromptSets prompts, ImageDecoder decoder, IndexQueries queries) {
    this.server = server;
    this.prompts = prompts;
    this.decoder = decoder;
    this.queries = queries;
  }

  /** Longest side of a preview, in pixels. */
  static final int PREVIEW_SIDE = 512;

  /**
   * An uploaded image as a PNG of at most {@value #PREVIEW_SIDE} px on its longest side: the web
   * UI's preview of files a browser cannot show itself (TIFF, as NCT-CRC-HE ships its tiles). The
   * image is decoded as for embedding (the same limits), and scaled with PIL's antialiased bilinear
   * filter.
   */
  void preview(Context ctx) {
    UploadedImage image = server.upload(ctx);
    server.asyncDecoding(
        ctx,
        image,
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

  void classifyImage(Context ctx) {
    if (ctx.queryParam("prompts") != null) {
      prompts.read(ctx.queryParam("prompts"), "prompts"); // a bad name costs no upload
    }
    UploadedImage image = server.upload(ctx);
    // The form was parsed with the upload, so reading a field of it reads no more of the body.
    String name =
        ctx.formParam("prompts") != null ? ctx.formParam("prompts") : ctx.queryParam("prompts");
    prompts.read(name, "prompts");
    server.asyncDecoding(
        ctx,
        image,
        () -> {
          ZeroShotClassifier classifier = prompts.classifier(name, "prompts");
          float[] embedding =
              queries.imageEncoder().encode(decoder.decode(image.bytes(), image.name()));
          ObjectNode body = server.object();
          body.put("prompts", name);
          ApiJson.putResult(body, classifier.classify(embedding));
          return body;
        });
  }

  void promptSets(Context ctx) {
    List<PromptSetEntry> sets = new ArrayList<>();
    for (String name : prompts.names()) {
      PromptSet set = prompts.read(name, "prompts");
      sets.add(new PromptSetEntry(name, set.description(), set.classIds()));
    }
    ctx.json(new PromptSetList(sets));
  }

  /** {@code GET /api/prompts}: the prompt sets the server offers. */
  record PromptSetList(List<PromptSetEntry> promptSets) {}

  /** One prompt set of {@link PromptSetList}. */
  record PromptSetEntry(String name, String description, List<String> classes) {}
}
