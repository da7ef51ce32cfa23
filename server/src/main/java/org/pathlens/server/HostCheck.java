package org.pathlens.server;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Guards a server that listens on a loopback address against DNS rebinding: a web page on any site
 * can make the browser send requests to 127.0.0.1 under the site's own name, so such a server
 * answers only requests whose {@code Host} is a loopback name or address. A server bound to another
 * address is reached by whatever names point at it; its token protects it.
 */
final class HostCheck {

  private static final Set<String> LOOPBACK_NAMES =
      Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final boolean loopbackOnly;

  HostCheck(String bindHost) {
    this.loopbackOnly = isLoopback(bindHost);
  }

  /**
   * @throws ApiException 421 naming the Host when a loopback server is asked under another name
   */
  void check(Context ctx) {
    if (!loopbackOnly) {
      return;
    }
    String host = ctx.header("Host");
    String name = host == null ? "" : hostName(host).toLowerCase(Locale.ROOT);
    if (!LOOPBACK_NAMES.contains(name) && !name.startsWith("127.")) {
      throw new ApiException(
          421,
          "Host '"
              + (host == null ? "" : host)
              + "' is not this server's name: it listens on a loopback address and answers"
              + " localhost or 127.0.0.1 only (a guard against DNS rebinding)",
          "Host");
    }
  }

  /** The name of a Host header, without the port ({@code [::1]:7070} → {@code [::1]}). */
  static String hostName(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private static boolean isLoopback(String bindHost) {
    try {
      return InetAddress.getByName(bindHost).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
