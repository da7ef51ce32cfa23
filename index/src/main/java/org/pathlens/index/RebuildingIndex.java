package org.pathlens.index;

import java.io.IOException;
import java.util.Optional;

/**
 * A new index being written beside the one an alias serves ({@link IndexLocation#openRebuild}):
 * readers keep the old one until {@link #finish} moves the alias in one step.
 */
public interface RebuildingIndex extends TileIndex {

  /**
   * Points the alias at the rebuilt index. The index it replaced is kept, not deleted.
   *
   * @return the location of the replaced index, for the user to delete once the new one is trusted;
   *     empty when there was none (the first build through the alias)
   */
  Optional<String> finish() throws IOException;
}
