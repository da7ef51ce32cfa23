package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A busy port or an address this machine does not have: one line, before anything is loaded. */
class BindCheckTest {

  @Test
  void aPortInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> BindCheck.requireBindable("127.0.0.1", taken.getLocalPort()));
      assertEquals(
          "port "
              + taken.getLocalPort()
              + " on 127.0.0.1 is already in use: stop what listens there or choose --port",
          e.getMessage());
    }
  }

  @Test
  void anAddressThatIsNotThisMachinesIsNamedAsTheHost() {
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class, () -> BindCheck.requireBindable("999.1.1.1", 7070));
    assertTrue(bad.getMessage().startsWith("--host 999.1.1.1: "), bad.getMessage());
    // A documentation address (RFC 5737): valid, but not this machine's.
    IllegalArgumentException foreign =
        assertThrows(
            IllegalArgumentException.class, () -> BindCheck.requireBindable("192.0.2.1", 7070));
    assertTrue(
        foreign.getMessage().startsWith("--host 192.0.2.1: cannot listen there"),
        foreign.getMessage());
  }

  @Test
  void aFreePortPasses() {
    BindCheck.requireBindable("127.0.0.1", 0);
  }
}
