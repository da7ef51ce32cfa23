/**
 * Patch features computed elsewhere, as TRIDENT and CLAM keep them: one HDF5 file per slide with
 * {@code features} and their level-0 {@code coords} ({@link FeatureFile}), found from a file, a
 * folder or a TRIDENT job folder ({@link FeatureFiles}), read in blocks so that a million rows
 * never sit in memory ({@code Hdf5Rows}). {@link org.pathlens.index.ingest.FeatureIngest} puts them
 * in an index.
 */
package org.pathlens.index.features;
