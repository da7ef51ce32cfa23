package org.pathlens.api;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.OpenSearchTileIndex;

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
    assertInstanceOf(OpenSearchTileIndex.class, server.index());
    assertInstanceOf(OpenSearchTileIndex.class, guarded.index());
  }
}
