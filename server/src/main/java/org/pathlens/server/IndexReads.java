package org.pathlens.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import org.pathlens.index.PartialReads;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index as one request reads it: by default every read must be whole (a partial one is a 503);
 * with {@code allow_partial=true} a read that fewer shards answered is accepted, and the answer is
 * marked {@code "partial": true} with {@code "shards": {"answered", "total"}} so that a client (and
 * the web UI's banner) can tell it from a whole one.
 */
final class IndexReads {

  /** Server-side diagnostics (slf4j): the application's binding decides where they go. */
  private static final Logger LOG = LoggerFactory.getLogger(IndexReads.class);

  /** The query parameter that accepts a partial answer. */
  static final String PARAMETER = "allow_partial";

  private final TileIndex index;
  private final PartialReads partial; // null: partial reads are refused
  private final String request; // "GET /api/search", for the log

  private IndexReads(TileIndex index, PartialReads partial, String request) {
    this.index = index;
    this.partial = partial;
    this.request = request;
  }

  /** The reads {@code ctx} asks for: whole only, unless it says {@code allow_partial=true}. */
  static IndexReads of(Context ctx, TileIndex index) {
    String request = ctx.method() + " " + ctx.path();
    if (!Params.flag(ctx, PARAMETER)) {
      return new IndexReads(index, null, request);
    }
    PartialReads partial = new PartialReads();
    return new IndexReads(index.allowingPartial(partial), partial, request);
  }

  /** The index to read through. */
  TileIndex index() {
    return index;
  }

  /**
   * A slide with at least one tile among the shards that answered, else 404. When some shards did
   * not answer and none of those that did holds the slide, its tiles may be on a missing one (a
   * slide's tiles share a shard): that is a 503, never a 404 that would say the slide is not there.
   */
  void requireIndexedSlide(String slideId) throws IOException {
    int tiles = slideId.isBlank() ? 0 : index.count(TileFilter.slide(slideId));
    if (partial != null && !slideId.isBlank()) {
      partial.requireSlideSeen(slideId, tiles);
    }
    if (tiles == 0) {
      throw ApiException.notFound("no tiles of slide '" + slideId + "' in the index");
    }
  }

  /**
   * {@code body}, marked {@code "partial": true} with the shards the least complete read came from
   * when a read was partial; unchanged when every read was whole.
   */
  ObjectNode mark(ObjectNode body) {
    if (partial == null) {
      return body;
    }
    partial
        .partial()
        .ifPresent(
            shards -> {
              LOG.warn(
                  "pathlens serve: {}: a partial answer served, as asked ({} of {} shards{})",
                  request,
                  shards.answered(),
                  shards.total(),
                  shards.timedOut() ? ", timed out" : "");
              body.put("partial", true);
              ObjectNode counts = body.putObject("shards");
              counts.put("answered", shards.answered());
              counts.put("total", shards.total());
              if (shards.timedOut()) {
                counts.put("timed_out", true);
              }
            });
    return body;
  }
}
