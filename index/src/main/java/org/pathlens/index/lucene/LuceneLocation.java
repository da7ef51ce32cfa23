package org.pathlens.index.lucene;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.lucene.index.SegmentInfos;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileIndexBackend;

/** An embedded index: the Lucene files, slide records and thumbnails in one directory. */
record LuceneLocation(Path dir, TileIndexBackend backend) implements IndexLocation {

  @Override
  public TileIndex open(IndexProvenance provenance, IndexSettings settings) throws IOException {
    return LuceneTileIndex.open(dir, provenance, settings);
  }

  @Override
  public TileIndex openForSearch(IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return LuceneTileIndex.openForSearch(dir, provenance, settings);
  }

  @Override
  public Optional<IndexProvenance> readProvenance() throws IOException {
    return LuceneTileIndex.readProvenance(dir);
  }

  @Override
  public IndexCheckReport check() throws IOException {
    return IndexCheck.run(dir);
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(dir);
  }

  @Override
  public long generation() throws IOException {
    String[] files = dir.toFile().list();
    return files == null ? -1 : SegmentInfos.getLastCommitGeneration(files);
  }

  @Override
  public String identity() {
    Path absolute = dir.toAbsolutePath().normalize();
    try {
      return absolute.toRealPath().toString();
    } catch (IOException e) {
      return absolute.toString(); // not created yet: nothing to resolve
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LuceneLocation other && dir.equals(other.dir);
  }

  @Override
  public int hashCode() {
    return dir.hashCode();
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
