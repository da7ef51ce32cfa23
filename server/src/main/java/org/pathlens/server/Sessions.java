package org.pathlens.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Browser sessions opened with the API token: each a random 256-bit id that lives in the browser's
 * cookie and, here, only as its SHA-256, with a fixed lifetime. Why an id and not the token itself
 * in the cookie: the token never sits in a cookie jar, a leaked cookie stops working when it
 * expires (or when the server restarts, since sessions live in memory), and signing out ends one
 * session without changing the token. Looking up the hash, not the id, keeps the lookup's timing
 * from telling how much of a guessed id was right.
 */
final class Sessions {

  /**
   * A working day: long enough not to interrupt one, short enough that a forgotten session ends.
   */
  static final Duration LIFETIME = Duration.ofHours(12);

  /** Sessions held at most; signing in beyond it ends the session closest to expiry. */
  static final int CAPACITY = 1000;

  private static final int ID_BYTES = 32;

  private final Duration lifetime;
  private final int capacity;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> expiries = new HashMap<>();

  Sessions(Duration lifetime, int capacity, Clock clock) {
    if (lifetime.isNegative() || lifetime.isZero() || capacity < 1) {
      throw new IllegalArgumentException(
          "sessions need a positive lifetime and capacity, got " + lifetime + ", " + capacity);
    }
    this.lifetime = lifetime;
    this.capacity = capacity;
    this.clock = clock;
  }

  static Sessions defaults() {
    return new Sessions(LIFETIME, CAPACITY, Clock.systemUTC());
  }

  /** Opens a session and returns its id (URL-safe base64, 43 characters), for the cookie. */
  synchronized String open() {
    Instant now = clock.instant();
    expiries.values().removeIf(expiry -> !expiry.isAfter(now));
    if (expiries.size() >= capacity) {
      expiries.entrySet().stream()
          .min(Map.Entry.comparingByValue(Comparator.naturalOrder()))
          .ifPresent(oldest -> expiries.remove(oldest.getKey()));
    }
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    expiries.put(digest(id), now.plus(lifetime));
    return id;
  }

  /** Whether {@code id} names a session that is open and not expired. */
  synchronized boolean isOpen(String id) {
    if (id == null || id.isEmpty()) {
      return false;
    }
    Instant expiry = expiries.get(digest(id));
    return expiry != null && expiry.isAfter(clock.instant());
  }

  /** Ends the session {@code id}, if there is one. */
  synchronized void close(String id) {
    if (id != null) {
      expiries.remove(digest(id));
    }
  }

  synchronized int size() {
    return expiries.size();
  }

  private static String digest(String id) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
