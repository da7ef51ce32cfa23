package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.cluster.LocalCluster;

/**
 * {@link FeatureIngestTest} with its indexes on a two-node OpenSearch cluster: features go into
 * either backend through the same contract, with the same answers and the same refusals (the
 * reference, {@code ingest --slides} of the slide, stays an embedded index).
 */
class FeatureIngestOnClusterTest extends FeatureIngestTest {

  @TempDir static Path clusterDir;
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    cluster =
        LocalCluster.start(clusterDir.resolve("cluster"), 2, 0, "512m", Duration.ofMinutes(3));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected IndexLocation location(String name) {
    return IndexLocation.parse(cluster.endpoint() + "/features-" + name);
  }
}
