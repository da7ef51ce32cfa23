package org.pathlens.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Tries the server's address before the model and index are loaded, so that a busy port or an
 * address this machine does not have is one line naming it, not Jetty's stack trace after a long
 * start-up.
 */
final class BindCheck {

  private BindCheck() {}

  /**
   * @throws IllegalArgumentException when {@code host} is not an address of this machine
   * @throws IllegalStateException when {@code port} is taken on it
   */
  static void requireBindable(String host, int port) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "--host " + host + ": not an address or a name this machine resolves");
    }
    if (port == 0) {
      return; // any free port: nothing to collide with
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, port));
    } catch (BindException e) {
      String reason = String.valueOf(e.getMessage());
      if (reason.contains("already in use")) {
        throw new IllegalStateException(
            "port "
                + port
                + " on "
                + host
                + " is already in use: stop what listens there or choose --port");
      }
      throw new IllegalArgumentException(
          "--host " + host + ": cannot listen there (" + reason + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--host " + host + " --port " + port + ": cannot listen (" + e.getMessage() + ")");
    }
  }
}
