package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.index.IndexLocation;

/**
 * Every API test of {@link ApiServerTest}, over the same content ingested into a real two-node
 * OpenSearch cluster instead of the embedded index ({@link ServedIndex#onCluster}): the server over
 * a cluster answers as the server over Lucene does.
 */
class ApiServerOnClusterTest extends ApiServerTest {

  /** Hides {@link ApiServerTest#start}: the same servers, over the cluster index. */
  @BeforeAll
  static void start(ServedIndex index) throws IOException {
    IndexLocation cluster = index.onCluster();
    tiles = index.tiles();
    manifest = index.manifest();
    server = index.start(cluster, null, MAX_UPLOAD, 100_000, 2, 8);
    guarded = index.start(cluster, TOKEN, MAX_UPLOAD, 100_000, 1, 0);
  }

  @Test
  void theServersServeTheClusterIndex() {
    assertEquals(server.config().index(), server.index().location());
    assertEquals(guarded.config().index(), guarded.index().location());
    assertTrue(server.index().location().toString().startsWith("http://127.0.0.1:"));
  }
}
