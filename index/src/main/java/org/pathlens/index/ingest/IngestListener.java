package org.pathlens.index.ingest;

/**
 * What an ingest tells its caller as it goes: the command line draws a progress bar or writes log
 * lines from it, the server will report it to the browser. Called on the ingesting thread; every
 * method does nothing unless overridden.
 */
public interface IngestListener {

  /** Does nothing. */
  IngestListener NONE = new IngestListener() {};

  /**
   * More tiles are known to be coming: the whole folder for a tile folder, a slide's tissue tiles
   * once it is opened and its tissue found (so the total grows slide by slide).
   */
  default void planned(long tiles, String what) {}

  /**
   * {@code tiles} of {@code what}'s tiles are in the index already, unchanged, and are kept without
   * being embedded again ({@link ExistingTiles#KEEP}); they are not part of {@link #planned}.
   */
  default void unchanged(long tiles, String what) {}

  /** {@code tiles} more tiles were embedded and handed to the index. */
  default void indexed(int tiles) {}

  /** An input (a tile file, a slide) was left out; the ingest goes on. */
  default void skipped(SkippedInput skipped) {}

  /** Something the user should know that does not stop the ingest (an assumed resolution, …). */
  default void warning(String message) {}
}
