/**
 * A local OpenSearch cluster for trying the cluster backend, its tests and benchmarks: nodes of the
 * {@code opensearch-node} module started in their own JVMs ({@code ./pathlens opensearch start}).
 * It only runs the nodes: indexes on them are reached through the index contract.
 */
package org.pathlens.index.cluster;
