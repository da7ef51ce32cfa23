package org.pathlens.server;

import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a state-changing request (POST, PUT, PATCH, DELETE) that a browser sends from a page of
 * another origin: a form on any site can post to a server it cannot read (cross-site request
 * forgery), and the browser names that site in {@code Origin}. A request whose Origin is this
 * server's own (the web UI), or that has none (curl, scripts), passes; the token still applies.
 */
final class OriginCheck {

  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

  private OriginCheck() {}

  /**
   * @throws ApiException 403 naming the Origin when it is not the origin of the Host asked for
   */
  static void check(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || !STATE_CHANGING.contains(ctx.method().name())) {
      return;
    }
    String host = ctx.header("Host");
    if (host == null || !sameHost(origin, host)) {
      throw new ApiException(
          403,
          "cross-origin "
              + ctx.method().name()
              + " from '"
              + origin
              + "' refused: this server accepts changes only from its own pages or from clients"
              + " that send no Origin",
          "Origin");
    }
  }

  /** Whether {@code origin} ({@code http://name:port}) names the same host and port as Host. */
  static boolean sameHost(String origin, String host) {
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return false; // "null" (a sandboxed page or a file) and anything else that is no web origin
      }
      int defaultPort = "https".equals(uri.getScheme()) ? 443 : 80;
      int originPort = uri.getPort() >= 0 ? uri.getPort() : defaultPort;
      String originHost = uri.getHost().toLowerCase(Locale.ROOT);
      String hostName = HostCheck.hostName(host);
      String hostPort = host.substring(hostName.length());
      // A Host without a port is the default one of the scheme the client used (a TLS proxy).
      int port = hostPort.startsWith(":") ? Integer.parseInt(hostPort.substring(1)) : defaultPort;
      return originHost.equals(hostName.toLowerCase(Locale.ROOT)) && originPort == port;
    } catch (URISyntaxException | NumberFormatException e) {
      return false;
    }
  }
}
