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
import java.util.Set;
import org.pathlens.index.IndexUnavailableException;
import org.pathlens.index.PartialReads;

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

  /** Where partial reads are noted when they are accepted; null: they are refused. */
  private final PartialReads partial;

  public ClusterClient(URI endpoint, ClusterCredentials credentials) {
    this(endpoint, credentials, Duration.ofMinutes(2));
  }

  ClusterClient(URI endpoint, ClusterCredentials credentials, Duration timeout) {
    this(
        endpoint,
        credentials,
        timeout,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
        null);
  }

  private ClusterClient(
      URI endpoint,
      ClusterCredentials credentials,
      Duration timeout,
      HttpClient http,
      PartialReads partial) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.timeout = timeout;
    this.http = http;
    this.partial = partial;
  }

  /**
   * This client (the same connections) for reads that accept a partial answer: {@link
   * #requireWhole} notes it in {@code partial} and returns it, unless no shard answered at all.
   */
  ClusterClient allowingPartial(PartialReads partial) {
    return new ClusterClient(endpoint, credentials, timeout, http, partial);
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

  /**
   * A read ({@code _search}, {@code _count}): the answer, refused when it is not whole (see {@link
   * #requireWhole}).
   */
  public JsonNode read(String path, JsonNode body) throws IOException {
    return requireWhole(send("POST", path, body), path);
  }

  /**
   * {@code answer} if every shard answered in time; else the index is unavailable: a search with a
   * shard missing (its node down, its primary unassigned) returns other tiles than the whole index
   * holds, and counts and facets that are too small, with HTTP 200. OpenSearch retries a failed
   * shard on its other copies first, so with replicas this refuses only what no copy could answer.
   * A client {@link #allowingPartial allowing partial reads} notes such an answer and returns it,
   * unless no shard answered at all.
   *
   * @throws IndexUnavailableException naming how many shards answered
   */
  JsonNode requireWhole(JsonNode answer, String what) throws IndexUnavailableException {
    PartialReads.Shards shards = shards(answer);
    if (!shards.partial()) {
      return answer;
    }
    if (partial != null && shards.answered() > 0) {
      partial.note(shards);
      return answer;
    }
    throw new IndexUnavailableException(
        "OpenSearch at "
            + endpoint
            + " answered "
            + what
            + " from "
            + shards.answered()
            + " of "
            + shards.total()
            + " shards"
            + (shards.timedOut() ? ", timed out" : "")
            + " (a node is down or recovering): a partial answer is not served"
            + (partial == null ? " unless asked for (--allow-partial, allow_partial=true)" : "")
            + "; retry once "
            + endpoint
            + "/_cluster/health says green or yellow");
  }

  /**
   * How many shards answered a search or count. Shards skipped as holding nothing that could match
   * are counted among the successful ones already (OpenSearch's {@code skipped} is a part of {@code
   * successful}, not an addition to it). A shard with no copy left may be counted in the total but
   * neither failed nor successful (OpenSearch 2.19: failed 0, HTTP 200).
   */
  static PartialReads.Shards shards(JsonNode answer) {
    JsonNode shards = answer.path("_shards");
    int total = shards.path("total").asInt(0);
    int answered =
        Math.min(shards.path("successful").asInt(total), total - shards.path("failed").asInt(0));
    return new PartialReads.Shards(
        Math.max(0, answered), total, answer.path("timed_out").asBoolean(false));
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
      JsonNode hits = read(index + "/_search", request).path("hits").path("hits");
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
        throw new IndexUnavailableException(
            "cannot reach OpenSearch at "
                + endpoint
                + " (connection refused): is the cluster running? ./pathlens opensearch start"
                + " starts a local one",
            e);
      } catch (HttpTimeoutException e) {
        throw new IndexUnavailableException(
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
      // A 500 whose cause is a node the coordinator lost (just stopped, not yet dropped from the
      // cluster state) is the cluster being unavailable, as a 503 is, not a fault of the request.
      if (status == 503 || (status == 500 && NODE_LOSS.contains(reasonType(response.body())))) {
        // no shard copy at all, a cluster still forming, or a node gone
        throw new IndexUnavailableException(
            "OpenSearch at "
                + endpoint
                + " cannot answer "
                + method
                + " "
                + path
                + " now (HTTP "
                + status
                + "): "
                + reason(response.body())
                + "; retry once "
                + endpoint
                + "/_cluster/health says green or yellow");
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
  /** Error types OpenSearch answers when a node it relies on has gone. */
  static final Set<String> NODE_LOSS =
      Set.of(
          "node_not_connected_exception",
          "node_disconnected_exception",
          "node_closed_exception",
          "connect_transport_exception");

  /** The type of the error's root cause, or "" when the body is no OpenSearch error. */
  static String reasonType(String body) {
    String reason = reason(body);
    int colon = reason.indexOf(':');
    return colon > 0 ? reason.substring(0, colon) : "";
  }

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
