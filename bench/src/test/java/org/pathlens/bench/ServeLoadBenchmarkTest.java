package org.pathlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServeLoadBenchmarkTest {

  @Test
  void nearestRankPercentiles() {
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertEquals(50, ServeLoadBenchmark.percentile(hundred, 0.50));
    assertEquals(99, ServeLoadBenchmark.percentile(hundred, 0.99));
    assertEquals(7, ServeLoadBenchmark.percentile(new long[] {7}, 0.99));
    assertEquals(0, ServeLoadBenchmark.percentile(new long[0], 0.5));
  }

  @Test
  void optionsNameWhatIsWrong() {
    URI local = URI.create("http://127.0.0.1:7070");
    byte[] image = {1};
    var zero =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ServeLoadBenchmark.Options(
                    local,
                    null,
                    Duration.ZERO,
                    Duration.ZERO,
                    List.of(1),
                    image,
                    "t.png",
                    List.of("q"),
                    10));
    assertEquals(true, zero.getMessage().contains("--duration"), zero.getMessage());
    var clients =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ServeLoadBenchmark.Options(
                    local,
                    null,
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    List.of(8, 0),
                    image,
                    "t.png",
                    List.of("q"),
                    10));
    assertEquals(true, clients.getMessage().contains("--clients"), clients.getMessage());
    var remote =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ServeLoadBenchmark.Options(
                    URI.create("http://192.168.1.1:7070"),
                    null,
                    Duration.ofSeconds(1),
                    Duration.ZERO,
                    List.of(1),
                    image,
                    "t.png",
                    List.of("q"),
                    10));
    assertEquals(true, remote.getMessage().contains("loopback"), remote.getMessage());
  }
}
