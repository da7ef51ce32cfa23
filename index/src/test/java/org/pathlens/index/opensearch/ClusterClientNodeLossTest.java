package org.pathlens.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pathlens.index.IndexUnavailableException;

/**
 * A coordinator that has just lost a node answers some requests with HTTP 500 {@code
 * node_not_connected_exception} before its cluster state drops the node (seen on the test cluster
 * with a node stopped under load): that is the cluster being unavailable, a 503 to the API, not a
 * fault of the request. Other 500s stay errors. Answered by a real HTTP server with OpenSearch's
 * body.
 */
class ClusterClientNodeLossTest {

  private HttpServer server;

  private ClusterClient answering(int status, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return new ClusterClient(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort()), ClusterCredentials.none());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static String error(String type, String reason) {
    return "{\"error\":{\"root_cause\":[{\"type\":\""
        + type
        + "\",\"reason\":\""
        + reason
        + "\"}],\"type\":\""
        + type
        + "\",\"reason\":\""
        + reason
        + "\"},\"status\":500}";
  }

  @Test
  void aLostNodeIsTheClusterBeingUnavailable() throws IOException {
    ClusterClient client =
        answering(
            500,
            error("node_not_connected_exception", "[node-1][127.0.0.1:41991] Node not connected"));
    IndexUnavailableException e =
        assertThrows(
            IndexUnavailableException.class,
            () -> client.send("POST", "/tiles/_delete_by_query", null));
    assertTrue(e.getMessage().contains("(HTTP 500): node_not_connected_exception"), e.getMessage());
  }

  @Test
  void anotherServerErrorStaysAnError() throws IOException {
    ClusterClient client = answering(500, error("illegal_state_exception", "something broke"));
    ClusterException e =
        assertThrows(ClusterException.class, () -> client.send("POST", "/tiles/_search", null));
    assertTrue(e.getMessage().contains("refused POST /tiles/_search (HTTP 500)"), e.getMessage());
  }
}
