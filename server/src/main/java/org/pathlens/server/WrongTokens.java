package org.pathlens.server;

import io.javalin.http.Context;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down token guessing: a client address that sent {@value #MAX} wrong tokens (by header or
 * sign-in) within {@value #WINDOW_SECONDS} s is refused, right token or not, with 429 and the
 * seconds to wait, until its oldest wrong try leaves the window. Requests that carry no token at
 * all are not counted: the web UI asks before it signs in.
 */
final class WrongTokens {

  static final int MAX = 10;
  static final long WINDOW_SECONDS = 60;

  private final Map<String, ArrayDeque<Long>> byAddress = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  WrongTokens() {
    this(System::nanoTime);
  }

  WrongTokens(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /**
   * @throws ApiException 429 (with Retry-After) when {@code address} has used up its wrong tries
   */
  void requireAllowed(Context ctx, String address) {
    long wait = secondsToWait(address);
    if (wait > 0) {
      ctx.header("Retry-After", Long.toString(wait));
      throw new ApiException(
          429,
          "too many wrong tokens from " + address + ": wait " + wait + " s before the next try",
          "token");
    }
  }

  /** Seconds until {@code address} may try again; 0 when it may now. */
  long secondsToWait(String address) {
    ArrayDeque<Long> tries = byAddress.get(address);
    if (tries == null) {
      return 0;
    }
    synchronized (tries) {
      long now = nanoClock.getAsLong();
      long window = WINDOW_SECONDS * 1_000_000_000L;
      while (!tries.isEmpty() && now - tries.peekFirst() >= window) {
        tries.pollFirst();
      }
      if (tries.size() < MAX) {
        return 0;
      }
      return Math.max(1, (tries.peekFirst() + window - now + 999_999_999L) / 1_000_000_000L);
    }
  }

  /** A wrong token from {@code address}. */
  void record(String address) {
    ArrayDeque<Long> tries = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (tries) {
      tries.addLast(nanoClock.getAsLong());
      while (tries.size() > MAX) {
        tries.pollFirst();
      }
    }
  }
}
