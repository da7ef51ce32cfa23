package org.pathlens.index.lucene;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.pathlens.index.IndexCapability;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.TileIndexBackend;

/** The embedded backend: any {@code --index} that is not a URL names a directory. */
public final class LuceneBackend implements TileIndexBackend {

  /** A URL's scheme: {@code http://}, {@code s3://}; such text belongs to another backend. */
  /** The instance the backend's own indexes name as theirs (ServiceLoader makes another). */
  static final LuceneBackend INSTANCE = new LuceneBackend();

  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");

  @Override
  public Optional<IndexLocation> locate(String text) {
    if (URL.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(new LuceneLocation(Path.of(text), this));
  }

  @Override
  public Set<IndexCapability> capabilities() {
    return EnumSet.of(IndexCapability.BATCH_CORRECTION, IndexCapability.CHECK);
  }

  @Override
  public String form() {
    return "DIR (an embedded index)";
  }
}
