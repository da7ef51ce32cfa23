/**
 * Fills a tile index with embedded tiles: {@link TileFolderIngest} from a folder of tile images
 * with an optional {@link TileManifest}, {@link SlideIngest} from whole-slide images cut into
 * tissue tiles, each slide leaving a {@link SlideRecord} and a thumbnail beside the index. Files
 * and slide regions are read on a small pool while the encoder embeds the previous batch, and tiles
 * reach the index in commit batches, so memory stays flat whatever the size of a slide. Tile ids
 * are stable and tiles the index already holds unchanged are kept without being embedded again
 * ({@link ExistingTiles}), so re-running an interrupted ingest does only what is left. Unreadable
 * inputs and non-finite embeddings are reported ({@link SkippedInput}) and the ingest goes on;
 * {@link IngestListener} reports progress to the caller.
 */
package org.pathlens.index.ingest;
