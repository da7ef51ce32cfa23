package org.pathlens.server;

import io.javalin.http.Context;
import java.io.IOException;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * What the server serves: its health (model, index, slides), its OpenAPI description, tile images.
 */
final class StatusRoutes {

  private final PathLensServer server;
  private final TileIndex index;
  private final TileImages tileImages;
  private final ModelBundle bundle;

  StatusRoutes(PathLensServer server, TileIndex index, TileImages tileImages, ModelBundle bundle) {
    this.server = server;
    this.index = index;
    this.tileImages = tileImages;
    this.bundle = bundle;
  }

  /** The model and index being served, and whether a token is needed: what the UI shows first. */
  void health(Context ctx) throws IOException {
    ctx.json(
        new Health(
            "ok",
            bundle.config().name(),
            bundle.contentHash(),
            index.provenance().stain().describe(),
            index.size(),
            server.slideIds().size(),
            server.guard().required()));
  }

  /** {@code GET /api/health}. */
  record Health(
      String status,
      String model,
      String modelHash,
      String stain,
      int tiles,
      int slides,
      boolean tokenRequired) {}

  void openApi(Context ctx) throws IOException {
    ctx.contentType("application/json").result(PathLensServer.resource("openapi.json"));
  }

  /** An indexed tile's image, read from its source file or slide. */
  void tileImage(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    TileRecord tile =
        index.get(id).orElseThrow(() -> ApiException.notFound("no tile '" + id + "' in the index"));
    server.async(ctx, () -> tileImages.of(tile));
  }
}
