package org.pathlens.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where model inference and other slow work of a request runs: a fixed number of threads and a
 * bounded queue, so that a burst of requests waits in a known place instead of holding Jetty's
 * threads, and a request beyond the queue is refused at once (503) instead of piling up. The server
 * has two: one for the work that decodes uploads, one for the rest, so that text searches never
 * wait behind decodes.
 */
final class InferencePool implements AutoCloseable {

  /** Seconds a refused client is told to wait before retrying. */
  static final int RETRY_AFTER_SECONDS = 1;

  private final ThreadPoolExecutor executor;
  private final String work;

  /**
   * @param work what runs here, in messages and thread names ("inference", "upload")
   * @param threads tasks running at once
   * @param queue tasks waiting beyond those; 0 for none
   */
  InferencePool(String work, int threads, int queue) {
    this.work = work;
    if (threads < 1 || queue < 0) {
      throw new IllegalArgumentException(
          "inference threads must be at least 1 and the queue at least 0, got "
              + threads
              + " and "
              + queue);
    }
    BlockingQueue<Runnable> waiting =
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
    AtomicInteger count = new AtomicInteger();
    executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            waiting,
            r -> {
              Thread thread = new Thread(r, "pathlens-" + work + "-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Refuses at once when every thread is busy and the queue is full: called before an upload's body
   * is read, so that a request the pool would refuse anyway costs no upload. (A check, not a
   * reservation: {@link #submit} may still refuse when others got there first.)
   *
   * @throws ApiException 503 as {@link #submit} would
   */
  void requireRoom() {
    if (executor.getActiveCount() >= executor.getMaximumPoolSize()
        && executor.getQueue().remainingCapacity() == 0) {
      throw busy(null);
    }
  }

  /**
   * Runs {@code task} on the pool.
   *
   * @throws ApiException 503 when every thread is busy and the queue is full
   */
  <T> CompletableFuture<T> submit(Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(task.call());
            } catch (Throwable e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      throw busy(e);
    }
    return result;
  }

  private ApiException busy(Exception cause) {
    return new ApiException(
        503,
        "the server is busy: "
            + executor.getActiveCount()
            + " "
            + work
            + " tasks running and "
            + executor.getQueue().size()
            + " waiting; retry after "
            + RETRY_AFTER_SECONDS
            + " s",
        null,
        cause);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
