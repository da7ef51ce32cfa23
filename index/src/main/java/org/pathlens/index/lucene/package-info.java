/**
 * The embedded backend (the default): a Lucene index in one directory, a document per tile with its
 * embedding in an HNSW graph, stored as floats or quantized to int8, int4 or one bit (BBQ) and
 * rescored exactly; slide records and thumbnails as files beside it; a batch correction as a hashed
 * JSON file named in the commit data; {@code index check} over every file. Found through {@link
 * org.pathlens.index.TileIndexBackend} for any {@code --index} that is not a URL; nothing outside
 * this package names its classes.
 */
package org.pathlens.index.lucene;
