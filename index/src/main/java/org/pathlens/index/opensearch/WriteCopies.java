package org.pathlens.index.opensearch;

/**
 * How many copies of a tile (its primary and replicas) a cluster write must reach before PathLens
 * reports it written: by default every copy the index is configured for ({@code
 * wait_for_active_shards=all}), so that an acknowledgement means what the documentation says. An
 * operator who would rather ingest into a yellow cluster than wait lowers it, by name, in the
 * environment ({@value #VARIABLE}), as credentials are given.
 *
 * @param count the copies required, 0 for all of them
 */
record WriteCopies(int count) {

  /** The environment variable: {@code all} (the default) or a number of copies from 1. */
  static final String VARIABLE = "PATHLENS_OPENSEARCH_ACTIVE_SHARDS";

  static final WriteCopies ALL = new WriteCopies(0);

  /**
   * From the environment.
   *
   * @throws IllegalArgumentException naming the variable and what it takes
   */
  static WriteCopies fromEnvironment() {
    return parse(System.getenv(VARIABLE));
  }

  static WriteCopies parse(String value) {
    if (value == null || value.isBlank() || value.strip().equals("all")) {
      return ALL;
    }
    try {
      int count = Integer.parseInt(value.strip());
      if (count >= 1) {
        return new WriteCopies(count);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(
        VARIABLE
            + "='"
            + value
            + "': write 'all' (every copy the index keeps, the default) or a number of copies"
            + " from 1");
  }

  /** The copies a write must reach on an index that keeps {@code configured} of each shard. */
  int required(int configured) {
    return count == 0 ? configured : Math.min(count, configured);
  }

  /** OpenSearch's {@code wait_for_active_shards} for such an index. */
  String parameter(int configured) {
    return count == 0 ? "all" : String.valueOf(required(configured));
  }

  @Override
  public String toString() {
    return count == 0 ? "all" : String.valueOf(count);
  }
}
