package org.pathlens.index.opensearch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * How PathLens authenticates to an OpenSearch cluster: from the environment or a file, never from
 * the command line (where {@code ps} and shell histories would show it).
 *
 * <ul>
 *   <li>{@code PATHLENS_OPENSEARCH_API_KEY}: an API key, sent as {@code Authorization: ApiKey ...};
 *   <li>{@code PATHLENS_OPENSEARCH_USER} and {@code PATHLENS_OPENSEARCH_PASSWORD}: basic auth;
 *   <li>{@code PATHLENS_OPENSEARCH_CREDENTIALS_FILE}: a file whose first line is {@code
 *       user:password} or {@code apikey:KEY}.
 * </ul>
 *
 * None set: no authentication (a local cluster from {@code ./pathlens opensearch start}).
 */
public final class ClusterCredentials {

  private final String authorization;

  private ClusterCredentials(String authorization) {
    this.authorization = authorization;
  }

  /** No authentication. */
  public static ClusterCredentials none() {
    return new ClusterCredentials(null);
  }

  /** Credentials from this process's environment. */
  public static ClusterCredentials fromEnvironment() {
    return from(System.getenv());
  }

  /** Credentials from {@code env} (the environment, or a test's map). */
  static ClusterCredentials from(Map<String, String> env) {
    String apiKey = env.get("PATHLENS_OPENSEARCH_API_KEY");
    String user = env.get("PATHLENS_OPENSEARCH_USER");
    String file = env.get("PATHLENS_OPENSEARCH_CREDENTIALS_FILE");
    if (apiKey != null && !apiKey.isBlank()) {
      return new ClusterCredentials("ApiKey " + apiKey.strip());
    }
    if (user != null && !user.isBlank()) {
      String password = env.getOrDefault("PATHLENS_OPENSEARCH_PASSWORD", "");
      return basic(user, password);
    }
    if (file != null && !file.isBlank()) {
      return fromFile(Path.of(file));
    }
    return none();
  }

  private static ClusterCredentials fromFile(Path file) {
    String line;
    try {
      line = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read PATHLENS_OPENSEARCH_CREDENTIALS_FILE " + file + ": " + e.getMessage());
    }
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "PATHLENS_OPENSEARCH_CREDENTIALS_FILE "
              + file
              + ": its first line must be user:password or apikey:KEY");
    }
    String name = line.substring(0, colon);
    String secret = line.substring(colon + 1).strip();
    return name.equals("apikey") ? new ClusterCredentials("ApiKey " + secret) : basic(name, secret);
  }

  private static ClusterCredentials basic(String user, String password) {
    String pair = user + ":" + password;
    return new ClusterCredentials(
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@code Authorization} header's value, if any. */
  Optional<String> authorization() {
    return Optional.ofNullable(authorization);
  }

  @Override
  public String toString() {
    return authorization == null ? "none" : authorization.substring(0, authorization.indexOf(' '));
  }
}
