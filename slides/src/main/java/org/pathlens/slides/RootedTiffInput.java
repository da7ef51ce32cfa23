package org.pathlens.slides;

import java.io.File;
import java.io.IOException;
import java.nio.ByteOrder;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * A classic TIFF file seen as if its header named another directory as the first page: the JDK's
 * TIFF reader follows only the page chain, so a SubIFD (a pyramid level that libvips, tifffile,
 * QuPath or bfconvert stores under page 0) is read as image 0 of such a view. Only the header's
 * four offset bytes differ from the file; everything else is read through.
 */
final class RootedTiffInput extends ImageInputStreamImpl {
  private final FileImageInputStream file;
  private final byte[] header = new byte[8];

  /** {@code file} with the directory at {@code ifdOffset} as its first page. */
  RootedTiffInput(File file, long ifdOffset) throws IOException {
    this.file = new FileImageInputStream(file);
    try {
      this.file.readFully(header);
    } catch (IOException e) {
      this.file.close();
      throw e;
    }
    boolean little = header[0] == 'I';
    for (int k = 0; k < 4; k++) {
      int shift = little ? 8 * k : 8 * (3 - k);
      header[4 + k] = (byte) (ifdOffset >>> shift);
    }
    setByteOrder(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
  }

  @Override
  public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    if (streamPos < header.length) {
      return header[(int) streamPos++] & 0xFF;
    }
    file.seek(streamPos);
    int b = file.read();
    if (b >= 0) {
      streamPos++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    checkClosed();
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    if (streamPos < header.length) {
      int n = (int) Math.min(len, header.length - streamPos);
      System.arraycopy(header, (int) streamPos, b, off, n);
      streamPos += n;
      return n;
    }
    file.seek(streamPos);
    int n = file.read(b, off, len);
    if (n > 0) {
      streamPos += n;
    }
    return n;
  }

  @Override
  public long length() {
    return file.length();
  }

  @Override
  public void close() throws IOException {
    super.close();
    file.close();
  }
}
