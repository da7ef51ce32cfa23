package org.pathlens.slides.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Little-endian reads at a position of a file, through a small window so that parsing the header
 * makes few system calls, and whole frames by positioned reads: nothing ever holds the file. A read
 * past the end is a {@link DicomFormatException} naming the offset, never a short read.
 *
 * <p>The cursor methods are for one thread (the parser); {@link #readAt} is safe from any thread.
 */
public final class DicomInput implements AutoCloseable {
  private static final int WINDOW = 64 << 10;

  private final FileChannel channel;
  private final long size;
  private final ByteBuffer window =
      ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN).limit(0);
  private long windowStart;

  private DicomInput(FileChannel channel) throws IOException {
    this.channel = channel;
    this.size = channel.size();
  }

  public static DicomInput open(Path file) throws IOException {
    return new DicomInput(FileChannel.open(file, StandardOpenOption.READ));
  }

  public long size() {
    return size;
  }

  public long position() {
    return windowStart + window.position();
  }

  public void seek(long position) throws IOException {
    if (position < 0 || position > size) {
      throw new DicomFormatException(
          "offset " + position + " lies past the end of the file (" + size + " bytes)");
    }
    if (position >= windowStart && position <= windowStart + window.limit()) {
      window.position((int) (position - windowStart));
    } else {
      windowStart = position;
      window.limit(0);
    }
  }

  public void skip(long bytes) throws IOException {
    require(bytes);
    seek(position() + bytes);
  }

  /** Whether the cursor is at the end of the file. */
  public boolean atEnd() {
    return position() >= size;
  }

  public int u16() throws IOException {
    fill(2);
    return Short.toUnsignedInt(window.getShort());
  }

  /** An unsigned 32-bit value. */
  public long u32() throws IOException {
    fill(4);
    return Integer.toUnsignedLong(window.getInt());
  }

  public byte[] bytes(int length) throws IOException {
    require(length);
    byte[] out = new byte[length];
    if (length <= WINDOW) {
      fill(length);
      window.get(out);
    } else {
      long at = position();
      readFully(at, out);
      seek(at + length);
    }
    return out;
  }

  /**
   * {@code length} bytes from {@code position}, by a positioned read that does not move the cursor.
   */
  public byte[] readAt(long position, int length) throws IOException {
    if (position < 0 || length < 0 || position + length > size) {
      throw new DicomFormatException(
          length
              + " bytes at offset "
              + position
              + " lie past the end of the file ("
              + size
              + " bytes)");
    }
    byte[] out = new byte[length];
    readFully(position, out);
    return out;
  }

  private void readFully(long position, byte[] out) throws IOException {
    ByteBuffer target = ByteBuffer.wrap(out);
    while (target.hasRemaining()) {
      int n = channel.read(target, position + target.position());
      if (n < 0) {
        throw new DicomFormatException(
            "the file ended at offset " + (position + target.position()));
      }
    }
  }

  private void require(long bytes) throws IOException {
    if (bytes < 0 || position() + bytes > size) {
      throw new DicomFormatException(
          "truncated: "
              + bytes
              + " bytes needed at offset "
              + position()
              + ", the file ends at "
              + size);
    }
  }

  /** Makes at least {@code bytes} (at most the window) readable from the cursor. */
  private void fill(int bytes) throws IOException {
    if (window.remaining() >= bytes) {
      return;
    }
    require(bytes);
    long at = position();
    window.clear();
    windowStart = at;
    int wanted = (int) Math.min(WINDOW, size - at);
    window.limit(wanted);
    while (window.hasRemaining()) {
      if (channel.read(window, at + window.position()) < 0) {
        throw new DicomFormatException("the file ended at offset " + (at + window.position()));
      }
    }
    window.flip();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
