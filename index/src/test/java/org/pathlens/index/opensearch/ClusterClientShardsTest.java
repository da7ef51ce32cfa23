package org.pathlens.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pathlens.index.IndexUnavailableException;
import org.pathlens.index.PartialReads;

/**
 * How a search or count answer's {@code _shards} and {@code timed_out} are read, in the shapes
 * OpenSearch answers with (the node-down shapes are checked against a real cluster in {@link
 * OpenSearchTileIndexTest}; these are the ones a test cluster cannot be made to give at will).
 */
class ClusterClientShardsTest {

  private static final ClusterClient CLIENT =
      new ClusterClient(URI.create("http://127.0.0.1:9200"), ClusterCredentials.none());

  private static JsonNode answer(String json) throws IOException {
    return ClusterClient.JSON.readTree(json);
  }

  @Test
  void aTimedOutAnswerIsPartialEvenWithEveryShardCounted() throws IOException {
    JsonNode timedOut =
        answer(
            "{\"timed_out\": true, \"_shards\": {\"total\": 2, \"successful\": 2, \"skipped\": 0,"
                + " \"failed\": 0}, \"hits\": {\"hits\": []}}");
    IndexUnavailableException refused =
        assertThrows(IndexUnavailableException.class, () -> CLIENT.requireWhole(timedOut, "x"));
    assertTrue(refused.getMessage().contains("timed out"), refused.getMessage());
    PartialReads partial = new PartialReads();
    assertSame(timedOut, CLIENT.allowingPartial(partial).requireWhole(timedOut, "x"));
    assertEquals(Optional.of(new PartialReads.Shards(2, 2, true)), partial.partial());
  }

  /**
   * OpenSearch counts a shard skipped by its can-match phase among the successful ones: adding
   * {@code skipped} again would let it stand in for a shard that never answered.
   */
  @Test
  void aSkippedShardDoesNotHideAMissingOne() throws IOException {
    JsonNode oneMissing =
        answer(
            "{\"timed_out\": false, \"_shards\": {\"total\": 3, \"successful\": 2, \"skipped\": 1,"
                + " \"failed\": 0}}");
    assertEquals(new PartialReads.Shards(2, 3, false), ClusterClient.shards(oneMissing));
    assertThrows(IndexUnavailableException.class, () -> CLIENT.requireWhole(oneMissing, "x"));
    JsonNode whole =
        answer(
            "{\"timed_out\": false, \"_shards\": {\"total\": 3, \"successful\": 3, \"skipped\": 1,"
                + " \"failed\": 0}}");
    assertSame(whole, CLIENT.requireWhole(whole, "x"));
  }

  @Test
  void failedShardsAreNotAnsweredOnes() throws IOException {
    JsonNode failed =
        answer(
            "{\"_shards\": {\"total\": 2, \"successful\": 1, \"skipped\": 0, \"failed\": 1,"
                + " \"failures\": [{\"shard\": 1, \"reason\": {\"type\": \"node_not_connected\"}}]}}");
    assertEquals(new PartialReads.Shards(1, 2, false), ClusterClient.shards(failed));
  }

  /** An answer with nothing in it is no answer: refused even by a reader that accepts partial. */
  @Test
  void noShardAnsweringIsRefusedEvenWhenPartialIsAllowed() throws IOException {
    JsonNode none =
        answer("{\"_shards\": {\"total\": 2, \"successful\": 0, \"skipped\": 0, \"failed\": 2}}");
    PartialReads partial = new PartialReads();
    assertThrows(
        IndexUnavailableException.class,
        () -> CLIENT.allowingPartial(partial).requireWhole(none, "x"));
    assertEquals(Optional.empty(), partial.partial());
  }

  /** A request's least complete read is the one reported; a timeout anywhere marks it. */
  @Test
  void theLeastCompleteReadOfARequestIsReported() {
    PartialReads partial = new PartialReads();
    partial.note(new PartialReads.Shards(5, 5, false));
    assertEquals(Optional.empty(), partial.partial());
    partial.note(new PartialReads.Shards(3, 4, false));
    partial.note(new PartialReads.Shards(1, 2, false));
    partial.note(new PartialReads.Shards(4, 5, true));
    assertEquals(Optional.of(new PartialReads.Shards(1, 2, true)), partial.partial());
  }
}
