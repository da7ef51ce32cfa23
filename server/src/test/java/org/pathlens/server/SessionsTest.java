package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SessionsTest {

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T08:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void aSessionIsOpenUntilItExpiresOrIsClosed() {
    ManualClock clock = new ManualClock();
    Sessions sessions = new Sessions(Duration.ofHours(12), 10, clock);
    String a = sessions.open(), b = sessions.open();
    assertNotEquals(a, b);
    assertEquals(43, a.length(), "256 random bits, URL-safe base64");
    assertTrue(sessions.isOpen(a) && sessions.isOpen(b));
    assertFalse(sessions.isOpen(a + "x"));
    assertFalse(sessions.isOpen(null));
    assertFalse(sessions.isOpen(""));
    sessions.close(b);
    assertFalse(sessions.isOpen(b));
    clock.now = clock.now.plus(Duration.ofHours(12)).minusSeconds(1);
    assertTrue(sessions.isOpen(a));
    clock.now = clock.now.plusSeconds(1);
    assertFalse(sessions.isOpen(a), "expired after its lifetime");
  }

  @Test
  void atCapacityTheSessionClosestToExpiryEnds() {
    ManualClock clock = new ManualClock();
    Sessions sessions = new Sessions(Duration.ofHours(1), 2, clock);
    String first = sessions.open();
    clock.now = clock.now.plusSeconds(60);
    String second = sessions.open();
    clock.now = clock.now.plusSeconds(60);
    String third = sessions.open();
    assertEquals(2, sessions.size());
    assertFalse(sessions.isOpen(first));
    assertTrue(sessions.isOpen(second) && sessions.isOpen(third));
    // Expired sessions are dropped before anything open is.
    clock.now = clock.now.plus(Duration.ofMinutes(59));
    String fourth = sessions.open();
    assertFalse(sessions.isOpen(second));
    assertTrue(sessions.isOpen(third) && sessions.isOpen(fourth));
    assertEquals(2, sessions.size());
  }
}
