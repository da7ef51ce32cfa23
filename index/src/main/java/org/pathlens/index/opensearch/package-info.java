/**
 * The cluster backend: an OpenSearch index (k-NN plugin, Lucene engine) over HTTP and JSON, named
 * {@code http(s)://HOST:PORT/NAME}, with slide records in a companion index, rebuilds through an
 * alias, and Lucene-syntax filters translated to OpenSearch queries. Found through {@link
 * org.pathlens.index.TileIndexBackend}; nothing outside this package names its classes.
 */
package org.pathlens.index.opensearch;
