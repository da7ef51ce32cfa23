package org.pathlens.index;

import java.io.IOException;

/**
 * A write to the index failed (the disk filled up, the directory stopped being writable): the
 * writer was rolled back, so the index on disk is its last commit, whole, and the files of the
 * failed write are gone. The message names the index, the cause and how many tiles it keeps.
 */
public final class IndexWriteException extends IOException {

  public IndexWriteException(String message, IOException cause) {
    super(message, cause);
  }
}
