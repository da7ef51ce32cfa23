package org.pathlens.index.lucene;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;

/**
 * Verifies the checksum of every file of a segment before the segment is searched: Lucene checks
 * the small metadata files when it opens a segment, but reads the large ones (vectors, stored
 * fields, postings) unchecked, so flipped bytes in a vector file would change results without an
 * error. Each segment is verified once, when it first appears (on open, and on each refresh that
 * brings new ones), so a refresh costs only the new segments. Used by readers ({@link
 * TileIndex#openForSearch}): what {@code serve}, {@code search} and {@code classify} answer from.
 */
final class VerifyingSearcherFactory extends SearcherFactory {

  @Override
  public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader)
      throws IOException {
    Set<Object> seen = new HashSet<>();
    if (previousReader != null) {
      for (LeafReaderContext leaf : previousReader.leaves()) {
        seen.add(leaf.reader().getCoreCacheHelper().getKey());
      }
    }
    for (LeafReaderContext leaf : reader.leaves()) {
      if (!seen.contains(leaf.reader().getCoreCacheHelper().getKey())) {
        leaf.reader().checkIntegrity(); // CorruptIndexException naming the file on a mismatch
      }
    }
    return super.newSearcher(reader, previousReader);
  }
}
