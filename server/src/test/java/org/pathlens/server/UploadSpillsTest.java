package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jetty's multipart spill files live in the server's own upload folder, so that a killed server's
 * spills are deleted by the next server to start instead of staying in {@code /tmp} for good.
 */
@ExtendWith(ServedIndex.Resolver.class)
class UploadSpillsTest {

  private static final String BOUNDARY = "pathlens-spill-boundary";

  @Test
  void aKilledServersSpillsAreDeletedAtStartAndUploadsSpillIntoTheServersFolder(ServedIndex index)
      throws Exception {
    // What a server killed with kill -9 in the middle of an upload leaves: its folder, owned by a
    // process that is gone, holding a half-received multipart spill.
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path killed = Files.createTempDirectory(tmp, UploadFolders.PREFIX);
    Files.writeString(killed.resolve(UploadFolders.OWNER), Long.toString(gone.pid()));
    Files.write(killed.resolve("MultiPart12345"), new byte[4096]);

    try (PathLensServer server = index.start(null, 1 << 20, 100_000, 1, 4)) {
      assertTrue(Files.notExists(killed), "the killed server's folder is deleted at start");
      Path uploads = server.uploads();

      byte[] body = multipart(new byte[400_000]);
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data;"
                    + " boundary="
                    + BOUNDARY
                    + "\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        // Half the part has arrived: Jetty holds it in a file, in the server's folder. (Within the
        // upload's 2 s grace: the rate check does not cut it.)
        List<Path> spills = awaitSpills(uploads, true);
        assertEquals(1, spills.size(), spills.toString());
        assertTrue(
            spills.getFirst().getFileName().toString().startsWith("MultiPart"), spills.toString());

        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
        String status = statusLine(socket.getInputStream());
        // Zeros are no image: a 415 after the whole part was received and parsed.
        assertTrue(status.contains(" 415 "), status);
      }
      assertEquals(
          List.of(), awaitSpills(uploads, false), "the spill is deleted after the request");
    }
  }

  /** The files in {@code uploads} besides the owner file, once some appear (or none are left). */
  private static List<Path> awaitSpills(Path uploads, boolean present) throws Exception {
    List<Path> spills = List.of();
    for (int i = 0; i < 150; i++) {
      try (Stream<Path> files = Files.list(uploads)) {
        spills =
            files.filter(f -> !f.getFileName().toString().equals(UploadFolders.OWNER)).toList();
      }
      if (spills.isEmpty() != present) {
        return spills;
      }
      Thread.sleep(10);
    }
    return spills;
  }

  private static byte[] multipart(byte[] content) throws IOException {
    var body = new java.io.ByteArrayOutputStream();
    body.write(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"big.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.write(content);
    body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return body.toByteArray();
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString();
  }
}
