package org.pathlens.encoders;

import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * One thread on which libtorch runs operators without intra-op parallelism, for forward passes too
 * short to gain from it, such as a single search prompt: with two intra-op threads on two cores,
 * the demo text encoder embedded 670–730 single prompts/s, against 1,210–1,240 with one (OpenMP's
 * fork and join around each of a small transformer's many small operators costs more than it
 * saves). {@link TorchScriptEncoder} decides which passes come here.
 *
 * <p>How: libtorch built with OpenMP keeps the thread count per calling thread ({@code
 * omp_set_num_threads} sets the caller's OpenMP state, MKL's setting is thread-local too). So this
 * thread sets itself to one thread once, and the thread that starts the lane then sets the process
 * default back for itself and for threads yet to start. Changing the count per call instead was
 * measured and gave nothing: each {@code set_num_threads} also clears oneDNN's primitive cache.
 *
 * <p>Checked when started: where libtorch does not report one thread here and the default on the
 * starting thread (a build whose threads share one pool), the lane is off and runs calls inline.
 */
final class SingleThreadLane {

  private final ExecutorService thread;
  private final Thread laneThread;

  private SingleThreadLane(ExecutorService thread, Thread laneThread) {
    this.thread = thread;
    this.laneThread = laneThread;
  }

  /** A lane beside libtorch started with {@code defaultThreads} intra-op threads. */
  static SingleThreadLane start(int defaultThreads) {
    if (defaultThreads <= 1) {
      return new SingleThreadLane(null, null); // every thread already runs single-threaded
    }
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("pathlens-torch-single").factory());
    try {
      int here =
          thread
              .submit(
                  () -> {
                    // libtorch initialises a thread's count from the process default on the
                    // thread's first query; query first so that the setting below is not undone.
                    JniUtils.getNumThreads();
                    JniUtils.setNumThreads(1);
                    return JniUtils.getNumThreads();
                  })
              .get();
      JniUtils.setNumThreads(defaultThreads);
      int there = thread.submit(JniUtils::getNumThreads).get();
      if (here == 1 && there == 1 && JniUtils.getNumThreads() == defaultThreads) {
        return new SingleThreadLane(thread, thread.submit(Thread::currentThread).get());
      }
      LoggerFactory.getLogger(SingleThreadLane.class)
          .debug("libtorch keeps one thread count per process; small calls run inline");
    } catch (ExecutionException e) {
      LoggerFactory.getLogger(SingleThreadLane.class)
          .debug("no single-thread lane: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    JniUtils.setNumThreads(defaultThreads);
    thread.shutdownNow();
    return new SingleThreadLane(null, null);
  }

  /** True when calls run on the single-threaded lane rather than on the caller's thread. */
  boolean active() {
    return thread != null;
  }

  /**
   * Runs {@code task} on the lane and returns its result; its runtime exceptions and errors reach
   * the caller as they are.
   */
  <T> T call(Supplier<T> task) {
    if (thread == null || Thread.currentThread() == laneThread) {
      return task.get();
    }
    try {
      return thread.submit(task::get).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new EncoderException("single-thread lane: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EncoderException("interrupted while waiting for libtorch", e);
    }
  }
}
