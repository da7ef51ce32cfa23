package org.pathlens.server;

import io.javalin.http.Context;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the uploads a server receives at once, checked before a byte of the body is read, and cuts
 * off an upload that arrives too slowly. A client that sends multipart headers and then stalls, or
 * trickles a byte now and then, holds a Jetty thread while its body is read; without both bounds a
 * few hundred such connections take every thread and the server stops answering. Beyond {@link
 * #capacity()} a request is refused at once with 503 and its connection closed, without reading or
 * parsing its body.
 */
final class UploadGate implements AutoCloseable {

  /** Server-side diagnostics (slf4j): the application's binding decides where they go. */
  private static final Logger LOG = LoggerFactory.getLogger(UploadGate.class);

  /** The slowest upload accepted, in bytes per second averaged since its start. */
  static final long MIN_BYTES_PER_SECOND = 4096;

  /** How long an upload may take before its rate is judged (a connection's slow start). */
  static final long GRACE_MS = 2_000;

  private final Semaphore permits;
  private final int capacity;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("pathlens-upload-watchdog").factory());

  UploadGate(int capacity) {
    this.capacity = capacity;
    this.permits = new Semaphore(capacity);
  }

  /**
   * Receives the upload of {@code ctx} holding a permit (the body is read and parsed meanwhile).
   *
   * @throws ApiException 503 when {@link #capacity} uploads are being received already; 408 when
   *     the body arrives slower than {@value #MIN_BYTES_PER_SECOND} bytes per second
   */
  UploadedImage receive(Context ctx, long maxBytes) {
    if (!permits.tryAcquire()) {
      ctx.header("Connection", "close"); // the unread body is not worth keeping the connection for
      throw new ApiException(
          503,
          "the server is busy receiving "
              + capacity
              + " uploads; retry after "
              + InferencePool.RETRY_AFTER_SECONDS
              + " s",
          UploadedImage.PART);
    }
    ScheduledFuture<?> check = watch(ctx);
    try {
      return UploadedImage.from(ctx, maxBytes);
    } finally {
      check.cancel(false);
      permits.release();
    }
  }

  /**
   * Checks the connection's received bytes every second; once the grace period is over, an average
   * below the minimum rate closes the connection with a {@link TimeoutException}, which fails the
   * read the request's thread is blocked in (and so frees the thread and the permit).
   */
  private ScheduledFuture<?> watch(Context ctx) {
    Connection connection =
        ServletContextRequest.getServletContextRequest(ctx.req())
            .getConnectionMetaData()
            .getConnection();
    String client = ctx.req().getRemoteAddr();
    long startBytes = connection.getBytesIn();
    long startNanos = System.nanoTime();
    return watchdog.scheduleAtFixedRate(
        () -> {
          long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
          long received = connection.getBytesIn() - startBytes;
          if (elapsedMs >= GRACE_MS && received * 1000 < MIN_BYTES_PER_SECOND * elapsedMs) {
            String why =
                received
                    + " bytes in "
                    + elapsedMs
                    + " ms, under the minimum of "
                    + MIN_BYTES_PER_SECOND
                    + " bytes/s";
            // The connection is closed, so the client gets no answer: say it here.
            LOG.warn("pathlens serve: cut off an upload from {}: {}", client, why);
            connection.getEndPoint().close(new TimeoutException(why));
          }
        },
        GRACE_MS,
        1000,
        TimeUnit.MILLISECONDS);
  }

  int capacity() {
    return capacity;
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
