package org.pathlens.index;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a tile index lives, as {@code --index} names it: a directory (the embedded Lucene index) or
 * {@code http(s)://HOST:PORT/NAME}, an index or alias on an OpenSearch cluster. Credentials never
 * appear here: they come from the environment ({@link
 * org.pathlens.index.opensearch.ClusterCredentials}).
 */
public sealed interface IndexLocation {

  /** An embedded Lucene index in a directory. */
  record Directory(Path path) implements IndexLocation {
    @Override
    public String toString() {
      return path.toString();
    }
  }

  /**
   * An OpenSearch index or alias.
   *
   * @param endpoint the cluster's HTTP endpoint, {@code scheme://host:port}
   * @param name the index or alias
   */
  record Cluster(URI endpoint, String name) implements IndexLocation {
    @Override
    public String toString() {
      return endpoint + "/" + name;
    }
  }

  /** What {@code --index} takes, for the commands' help. */
  String HELP =
      "The tile index: a directory (embedded Lucene), or http(s)://HOST:PORT/NAME, an OpenSearch"
          + " index or alias (credentials from PATHLENS_OPENSEARCH_USER/_PASSWORD, _API_KEY or"
          + " _CREDENTIALS_FILE).";

  /** OpenSearch's rules for an index name (lowercase, no separators or wildcards). */
  Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,254}");

  /**
   * Reads {@code --index}: a URL with scheme http or https is a cluster index, anything else a
   * directory.
   *
   * @throws IllegalArgumentException naming what is wrong with a cluster URL
   */
  static IndexLocation parse(String text) {
    if (!(text.startsWith("http://") || text.startsWith("https://"))) {
      return new Directory(Path.of(text));
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
    return new Cluster(URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port), name);
  }

  /** The directory of an embedded index; refuses a cluster index, naming {@code action}. */
  default Path requireDirectory(String action) {
    if (this instanceof Directory d) {
      return d.path();
    }
    throw new IllegalArgumentException(
        action + " works on an embedded index (a directory), not on the cluster index " + this);
  }
}
