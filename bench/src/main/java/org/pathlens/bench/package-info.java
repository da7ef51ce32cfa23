/**
 * The benchmarks of {@code pathlens bench}: {@link EncodeBenchmark} (decoding, preprocessing and
 * encoding throughput), {@link StainBenchmark} (what stain handling costs per tile), {@link
 * IndexBenchmark} (Lucene HNSW, float, int8, int4 and 1 bit, against hnswlib-core on seeded
 * clustered vectors, for image-like and text-like queries ({@link ModalityGap}): build time, disk,
 * memory, heap, latency, recall) and {@link ServeLoadBenchmark} (load on a running server over
 * loopback). Each prints a table and the command that reproduces it. The encoding, stain and index
 * benchmarks make their inputs with the synthetic generator, so they need no data set. hnswlib is a
 * comparator, never a product path; the load benchmark speaks HTTP to the server and depends on
 * nothing of the api module.
 */
package org.pathlens.bench;
