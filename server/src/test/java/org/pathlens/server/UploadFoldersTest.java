package org.pathlens.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed server's upload folder is deleted by the next server; a live one's is left alone. */
class UploadFoldersTest {

  @TempDir Path tmp;

  @Test
  void foldersOfGoneServersAreDeletedAndLiveOnesKept() throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    Path killed = folder("killed", Long.toString(finished.pid()));
    Files.writeString(killed.resolve("upload-1.png"), "half an upload");
    Path live = folder("live", Long.toString(ProcessHandle.current().pid()));
    Path oldUnowned = folder("old", null);
    Files.setLastModifiedTime(oldUnowned, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Path recentUnowned = folder("recent", null);
    Path other = Files.createDirectories(tmp.resolve("someone-elses"));

    assertEquals(
        List.of(killed, oldUnowned).stream().sorted().toList(),
        UploadFolders.deleteStale(tmp).stream().sorted().toList());
    assertTrue(Files.notExists(killed) && Files.notExists(oldUnowned));
    assertTrue(
        Files.isDirectory(live) && Files.isDirectory(recentUnowned) && Files.isDirectory(other));

    Path mine = UploadFolders.create(tmp);
    assertEquals(
        Long.toString(ProcessHandle.current().pid()),
        Files.readString(mine.resolve(UploadFolders.OWNER)));
  }

  private Path folder(String name, String pid) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(UploadFolders.PREFIX + name));
    if (pid != null) {
      Files.writeString(dir.resolve(UploadFolders.OWNER), pid);
    }
    return dir;
  }
}
