package org.pathlens.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * What the server serves: its health (model, index, slides), its OpenAPI description, tile images.
 */
final class StatusRoutes {

  private final PathLensServer server;
  private final TileIndex index;
  private final TileImages tileImages;

  StatusRoutes(PathLensServer server, TileIndex index, TileImages tileImages) {
    this.server = server;
    this.index = index;
    this.tileImages = tileImages;
  }

  /** The model and index being served, and whether a token is needed: what the UI shows first. */
  void health(Context ctx) throws IOException {
    ObjectNode body = server.object();
    body.put("status", "ok");
    body.put("model", server.model().bundle().config().name());
    body.put("model_hash", server.model().bundle().contentHash());
    body.put("stain", index.provenance().stain().describe());
    body.put("tiles", index.size());
    body.put("slides", server.slideIds().size());
    body.put("token_required", server.guard().required());
    ctx.json(body);
  }

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
