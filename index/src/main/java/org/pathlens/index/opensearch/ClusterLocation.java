package org.pathlens.index.opensearch;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.RebuildingIndex;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileIndexBackend;

/**
 * An OpenSearch index or alias; credentials come from the environment ({@link ClusterCredentials}),
 * never from here.
 *
 * @param endpoint the cluster's HTTP endpoint, {@code scheme://host:port}
 * @param name the index or alias
 */
record ClusterLocation(URI endpoint, String name, TileIndexBackend backend)
    implements IndexLocation {

  /** The same cluster, another index or alias. */
  ClusterLocation withName(String other) {
    return new ClusterLocation(endpoint, other, backend);
  }

  @Override
  public TileIndex open(IndexProvenance provenance, IndexSettings settings) throws IOException {
    return leased(() -> OpenSearchTileIndex.open(this, provenance, settings, true));
  }

  @Override
  public TileIndex openForSearch(IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return OpenSearchTileIndex.open(this, provenance, settings, false);
  }

  @Override
  public Optional<IndexProvenance> readProvenance() throws IOException {
    return OpenSearchTileIndex.readProvenance(this);
  }

  @Override
  public RebuildingIndex openRebuild(IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return leased(() -> OpenSearchTileIndex.openRebuild(this, provenance, settings));
  }

  /** Health, provenance, doubled ids and slide records ({@link ClusterIndexCheck}). */
  @Override
  public IndexCheckReport check() throws IOException {
    return ClusterIndexCheck.check(this, client());
  }

  /** The check, after deleting the stale copies of doubled ids under the writer lease. */
  @Override
  public IndexCheckReport repair() throws IOException {
    return ClusterIndexCheck.repair(this, client());
  }

  private ClusterClient client() {
    return new ClusterClient(endpoint, ClusterCredentials.fromEnvironment());
  }

  @FunctionalInterface
  private interface Opening {
    OpenSearchTileIndex open() throws IOException;
  }

  /**
   * A writer: the lease on this name first (a second writer is refused before it reads anything),
   * released again when the open fails.
   */
  private OpenSearchTileIndex leased(Opening opening) throws IOException {
    ClusterWriterLease lease = ClusterWriterLease.take(client(), this);
    try {
      OpenSearchTileIndex index = opening.open();
      index.holdLease(lease);
      return index;
    } catch (IOException | RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClusterLocation other
        && endpoint.equals(other.endpoint)
        && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return endpoint.hashCode() * 31 + name.hashCode();
  }

  @Override
  public String toString() {
    return endpoint + "/" + name;
  }
}
