package org.pathlens.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.pathlens.encoders.NonFiniteEmbeddingException;
import org.pathlens.encoders.TextNotComparableException;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageTooLargeException;
import org.pathlens.encoders.text.UncleanableTextException;
import org.pathlens.index.IndexUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure as a JSON body {@code {"error": ..., "parameter": ...}} with its status, never an
 * HTML page or a stack trace: refusals the routes raise, images that do not decode (400, naming the
 * {@code image} part; 413 for one over the pixel limit), a model output that is not finite (500,
 * saying so), Javalin's own (unknown route, bad method), and anything unexpected (500, logged; its
 * message only in the log, since it may name files on the server).
 */
final class ErrorResponses {

  /** Server-side diagnostics (slf4j): the application's binding decides where they go. */
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

  void handle(Throwable failure, Context ctx) {
    Throwable e = unwrap(failure);
    switch (e) {
      case ApiException api -> {
        if (api.status() == 503) {
          ctx.header("Retry-After", Integer.toString(InferencePool.RETRY_AFTER_SECONDS));
        }
        write(ctx, api.status(), api.getMessage(), api.parameter());
      }
      case IndexUnavailableException unavailable -> {
        // A cluster that cannot answer whole: say so and when to retry, never a partial 200.
        LOG.warn("pathlens serve: {} {}: {}", ctx.method(), ctx.path(), unavailable.getMessage());
        ctx.header("Retry-After", Integer.toString(IndexUnavailableException.RETRY_AFTER_SECONDS));
        // The details (the cluster's address, its shards) stay in the log.
        write(
            ctx,
            503,
            "the tile index cannot give a whole answer now (a cluster node is down, recovering or"
                + " unreachable): a partial answer is never served unasked; retry after "
                + IndexUnavailableException.RETRY_AFTER_SECONDS
                + " s"
                + ("true".equals(ctx.queryParam(IndexReads.PARAMETER))
                    ? " (no shard that answered could give this answer)"
                    : ", or add allow_partial=true to the request to accept an answer from the"
                        + " shards that answered, marked \"partial\": true"),
            null);
      }
      case ImageTooLargeException tooLarge ->
          write(ctx, 413, tooLarge.getMessage(), UploadedImage.PART);
      case ImageDecodeException decode -> write(ctx, 400, decode.getMessage(), UploadedImage.PART);
      case TextNotComparableException text ->
          write(ctx, 422, TextNotComparableException.REASON, null);
      // names the client's own text only: no path of the server's in it
      case UncleanableTextException text -> write(ctx, 422, text.getMessage(), null);
      case NonFiniteEmbeddingException nonFinite -> {
        // The model's fault, not the client's: a 500 that says so, never a 200 carrying NaN.
        LOG.error("pathlens serve: {} {}: {}", ctx.method(), ctx.path(), nonFinite.getMessage());
        write(
            ctx,
            500,
            "the model produced a non-finite output (NaN or infinity) for this request; no result is"
                + " served",
            null);
      }
      case HttpResponseException http -> write(ctx, http.getStatus(), http.getMessage(), null);
      default -> {
        // The throwable as the last argument: the binding prints its stack trace after the line.
        LOG.error("pathlens serve: {} {} failed", ctx.method(), ctx.path(), e);
        // The message stays in the log: it may name files on the server.
        write(
            ctx,
            500,
            "internal error ("
                + e.getClass().getSimpleName()
                + "); the server's log has the details",
            null);
      }
    }
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  void write(Context ctx, int status, String message, String parameter) {
    ctx.status(status).contentType("application/json").result(body(message, parameter));
  }

  /**
   * The error body, {@code {"error": ..., "parameter": ...}} (the parameter when one is at fault):
   * built here only, for the routes' errors and for those Jetty raises itself ({@link
   * JettyErrors}).
   */
  static String body(String message, String parameter) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error", message);
    if (parameter != null) {
      body.put("parameter", parameter);
    }
    return body.toString();
  }
}
