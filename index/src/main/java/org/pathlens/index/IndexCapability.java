package org.pathlens.index;

/**
 * What some backends can do and others cannot. Each {@link IndexLocation} declares its own ({@link
 * IndexLocation#capabilities()}); a command asks before it loads a model, so a refusal costs
 * nothing, and the refusal names the capability in the user's words.
 */
public enum IndexCapability {
  /** Writing a new index beside the one an alias points at, then swapping the alias in one step. */
  REBUILD(
      "--rebuild (a new index written beside the one an alias points at, then the alias moved)"),
  /**
   * Keeping a batch correction of the embeddings with the index ({@link
   * TileIndex#setBatchCorrection}).
   */
  BATCH_CORRECTION("batch correction"),
  /** Verifying every file of the index and its records ({@link IndexLocation#check}). */
  CHECK("index check"),
  /**
   * Removing the stale copies of ids that have more than one document ({@link
   * IndexLocation#repair}): a cluster's documents are routed by slide, so a fault can leave an id
   * on two shards, where a Lucene index replaces a document by its id.
   */
  REPAIR("index check --repair (the stale copies of ids with two documents removed)");

  private final String what;

  IndexCapability(String what) {
    this.what = what;
  }

  /** The capability in the user's words. */
  public String what() {
    return what;
  }
}
