package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * PathLens's whole OpenSearch client: JSON over HTTP with the JDK's client and Jackson.
 * OpenSearch's own Java client would bring its Lucene 9 into PathLens's JVM, which holds Lucene 10.
 *
 * <p>Requests the cluster answers with 429 (too many requests: its queues are full) are retried
 * with exponential backoff; other failures become a {@link ClusterException} naming the cluster,
 * the request and OpenSearch's reason.
 */
public final class ClusterClient {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Retries of a request refused with 429, backing off 100 ms, 200 ms, ... up to 6.4 s. */
  public static final int MAX_RETRIES = 8;

  private final URI endpoint;
  private final ClusterCredentials credentials;
  private final HttpClient http;
  private final Duration timeout;

  public ClusterClient(URI endpoint, ClusterCredentials credentials) {
    this(endpoint, credentials, Duration.ofMinutes(2));
  }

  ClusterClient(URI endpoint, ClusterCredentials credentials, Duration timeout) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  public URI endpoint() {
    return endpoint;
  }

  /** GET; the parsed answer. */
  public JsonNode get(String path) throws IOException {
    return send("GET", path, null, "application/json");
  }

  /** GET, or empty when OpenSearch answers 404. */
  public Optional<JsonNode> getIfExists(String path) throws IOException {
    try {
      return Optional.of(get(path));
    } catch (ClusterException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** A request with a JSON body (or none); the parsed answer. */
  public JsonNode send(String method, String path, JsonNode body) throws IOException {
    return send(
        method, path, body == null ? null : JSON.writeValueAsString(body), "application/json");
  }

  /** What {@link #forEachHit} hands each hit to. */
  @FunctionalInterface
  public interface HitConsumer {
    void accept(JsonNode hit) throws IOException;
  }

  /**
   * Every hit of the search {@code body} (its query and fields; size and sort are set here) on
   * {@code index}, in {@code sortField} order, {@code page} per request ({@code search_after}):
   * nothing is kept, so a whole index can be visited in little memory.
   */
  public void forEachHit(
      String index, ObjectNode body, String sortField, int page, HitConsumer action)
      throws IOException {
    ObjectNode request = body.deepCopy();
    request.put("size", page);
    request.putArray("sort").addObject().put(sortField, "asc");
    while (true) {
      JsonNode hits = send("POST", index + "/_search", request).path("hits").path("hits");
      for (JsonNode hit : hits) {
        action.accept(hit);
      }
      if (hits.size() < page) {
        return;
      }
      request.set("search_after", hits.get(hits.size() - 1).path("sort"));
    }
  }

  /** A {@code _bulk} request of newline-delimited JSON; the parsed answer. */
  public JsonNode bulk(String path, String ndjson) throws IOException {
    return send("POST", path, ndjson, "application/x-ndjson");
  }

  private JsonNode send(String method, String path, String body, String contentType)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(timeout)
            .header("Content-Type", contentType)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    credentials.authorization().ifPresent(value -> request.header("Authorization", value));
    HttpRequest built = request.build();
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(built, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        throw new ClusterException(
            "cannot reach OpenSearch at "
                + endpoint
                + " (connection refused): is the cluster running? ./pathlens opensearch start"
                + " starts a local one",
            e);
      } catch (HttpTimeoutException e) {
        throw new ClusterException(
            "OpenSearch at " + endpoint + " did not answer " + method + " " + path + " in time", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterException("interrupted waiting for OpenSearch at " + endpoint, e);
      } catch (IOException e) {
        throw new ClusterException(
            "OpenSearch at " + endpoint + " failed " + method + " " + path + ": " + e, e);
      }
      int status = response.statusCode();
      if (status == 429 && attempt < MAX_RETRIES) {
        backOff(attempt);
        continue;
      }
      if (status >= 400) {
        throw new ClusterException(
            "OpenSearch at "
                + endpoint
                + " refused "
                + method
                + " "
                + path
                + " (HTTP "
                + status
                + "): "
                + reason(response.body()),
            status);
      }
      String text = response.body();
      return text == null || text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
    }
  }

  /** Sleeps before retry {@code attempt + 1}: 100 ms doubling, at most 6.4 s. */
  public static void backOff(int attempt) throws ClusterException {
    try {
      Thread.sleep(100L << Math.min(attempt, 6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while backing off", e);
    }
  }

  /** OpenSearch's reason from an error answer, or the answer itself, on one line. */
  static String reason(String body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.isObject()) {
        JsonNode cause = error.path("root_cause").path(0);
        JsonNode of = cause.isMissingNode() ? error : cause;
        return of.path("type").asText() + ": " + of.path("reason").asText();
      }
      if (error.isTextual()) {
        return error.asText();
      }
    } catch (IOException | RuntimeException e) {
      // not JSON: fall through to the text
    }
    String line = body == null ? "" : body.replace('\n', ' ').strip();
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
