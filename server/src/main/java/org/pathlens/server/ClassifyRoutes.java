package org.pathlens.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.index.query.IndexQueries;
import org.pathlens.prompts.PromptSet;
import org.pathlens.prompts.ScaledClassifier;

/** Zero-shot classification of an uploaded tile, the prompt sets, and previews of uploads. */
final class ClassifyRoutes {

  private final PathLensServer server;
  private final PromptSets prompts;
  private final SavedClassifierModels saved;
  private final ImageDecoder decoder;
  private final IndexQueries queries;

  ClassifyRoutes(
      PathLensServer server,
      PromptSets prompts,
      SavedClassifierModels saved,
      ImageDecoder decoder,
      IndexQueries queries) {
    this.server = server;
    this.prompts = prompts;
    this.saved = saved;
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

  void classifyImage(Context ctx) throws IOException {
    if (ctx.queryParam("prompts") != null || ctx.queryParam("classifier") != null) {
      ClassifierChoice.of(ctx, prompts, saved); // a bad name costs no upload
    }
    UploadedImage image = server.upload(ctx);
    // The form was parsed with the upload, so reading a field of it reads no more of the body.
    ClassifierChoice choice =
        ClassifierChoice.of(
            field(ctx, ClassifierChoice.PROMPTS),
            field(ctx, ClassifierChoice.CLASSIFIER),
            prompts,
            saved);
    server.asyncDecoding(
        ctx,
        image,
        () -> {
          ScaledClassifier classifier = choice.classifier(prompts, saved);
          float[] embedding =
              queries.imageEncoder().encode(decoder.decode(image.bytes(), image.name()));
          ObjectNode body = server.object();
          choice.putInto(body);
          ApiJson.putResult(body, classifier.classify(embedding));
          return body;
        });
  }

  /** A form field of the upload, else the query parameter of that name. */
  private static String field(Context ctx, String name) {
    return ctx.formParam(name) != null ? ctx.formParam(name) : ctx.queryParam(name);
  }

  void promptSets(Context ctx) throws IOException {
    List<PromptSetEntry> sets = new ArrayList<>();
    for (String name : prompts.names()) {
      PromptSet set = prompts.read(name, "prompts");
      sets.add(new PromptSetEntry(name, set.description(), set.classIds()));
    }
    ctx.json(new PromptSetList(sets, saved.names()));
  }

  /**
   * {@code GET /api/prompts}: the prompt sets the server offers, and the names of the classifiers
   * saved with the index, which the same routes take as {@code classifier=NAME}.
   */
  record PromptSetList(List<PromptSetEntry> promptSets, List<String> classifiers) {}

  /** One prompt set of {@link PromptSetList}. */
  record PromptSetEntry(String name, String description, List<String> classes) {}
}
