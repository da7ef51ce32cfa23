package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The single-thread lane against libtorch itself: one intra-op thread on the lane, the default
 * everywhere else, including threads that start later.
 */
class SingleThreadLaneTest {

  private int defaultBefore;

  @BeforeEach
  void startEngine() {
    TorchRuntime.engine(0);
    defaultBefore = JniUtils.getNumThreads();
  }

  @AfterEach
  void restoreDefault() {
    JniUtils.setNumThreads(defaultBefore);
  }

  @Test
  void theLaneRunsOneThreadAndLeavesTheDefaultToEveryOtherThread() throws Exception {
    SingleThreadLane lane = SingleThreadLane.start(3);
    assertTrue(lane.active(), "libtorch (OpenMP build) keeps a thread count per thread");
    assertEquals(1, lane.call(JniUtils::getNumThreads));
    assertEquals(3, JniUtils.getNumThreads(), "the starting thread");
    AtomicInteger later = new AtomicInteger();
    Thread fresh = Thread.ofPlatform().start(() -> later.set(JniUtils.getNumThreads()));
    fresh.join();
    assertEquals(3, later.get(), "a thread that first uses libtorch afterwards");
    assertEquals(1, lane.call(JniUtils::getNumThreads), "the lane keeps its own count");
  }

  @Test
  void callsReturnTheirResultAndThrowTheirOwnExceptions() {
    SingleThreadLane lane = SingleThreadLane.start(2);
    IllegalStateException thrown = new IllegalStateException("from the task");
    assertSame(
        thrown,
        assertThrows(
            IllegalStateException.class,
            () ->
                lane.call(
                    () -> {
                      throw thrown;
                    })));
    Thread caller = Thread.currentThread();
    Thread ranOn = lane.call(Thread::currentThread);
    assertFalse(ranOn == caller, "runs on the lane's thread");
    // A call made from the lane itself runs there at once instead of waiting for itself.
    assertSame(
        ranOn,
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> lane.call(() -> lane.call(Thread::currentThread))));
  }

  @Test
  void withOneThreadEverywhereThereIsNoLane() {
    SingleThreadLane lane = SingleThreadLane.start(1);
    assertFalse(lane.active());
    assertSame(Thread.currentThread(), lane.call(Thread::currentThread));
  }
}
