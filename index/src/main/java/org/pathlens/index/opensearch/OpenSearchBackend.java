package org.pathlens.index.opensearch;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.pathlens.index.IndexCapability;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.TileIndexBackend;

/** The cluster backend: {@code http(s)://HOST:PORT/NAME} names an OpenSearch index or alias. */
public final class OpenSearchBackend implements TileIndexBackend {

  /** OpenSearch's rules for an index name (lowercase, no separators or wildcards). */
  static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,254}");

  @Override
  public Optional<IndexLocation> locate(String text) {
    if (!(text.startsWith("http://") || text.startsWith("https://"))) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad --index URL '" + text + "': " + e.getReason());
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "--index URL '"
              + uri.getScheme()
              + "://...@"
              + uri.getHost()
              + "' holds credentials: never put them on the command line; set"
              + " PATHLENS_OPENSEARCH_USER and PATHLENS_OPENSEARCH_PASSWORD (or _API_KEY, or"
              + " PATHLENS_OPENSEARCH_CREDENTIALS_FILE) instead");
    }
    if (uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "bad --index URL '" + text + "': write it as http(s)://HOST:PORT/INDEX");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String name = path.startsWith("/") ? path.substring(1) : path;
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (!INDEX_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "bad --index URL '"
              + text
              + "': the path must be one OpenSearch index or alias name (lowercase letters,"
              + " digits, '.', '_', '-'), as in http://127.0.0.1:9200/tiles");
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    URI endpoint = URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port);
    return Optional.of(new ClusterLocation(endpoint, name, this));
  }

  @Override
  public Set<IndexCapability> capabilities() {
    return EnumSet.of(IndexCapability.REBUILD, IndexCapability.CHECK, IndexCapability.REPAIR);
  }

  @Override
  public String form() {
    return "http(s)://HOST:PORT/NAME (an OpenSearch index or alias)";
  }
}
