package org.pathlens.slides;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The directory structure of a TIFF or BigTIFF file, read from its bytes: the chain of pages
 * (IFDs), the SubIFDs of each (tag 330, where libvips {@code --subifd}, tifffile's OME-TIFF, QuPath
 * and bfconvert put the coarser pyramid levels), and where each directory's pixel data ends. The
 * JDK's TIFF reader sees only the page chain and cannot say that a file was cut short; this class
 * does both, so that a truncated file is refused as truncated before any decoder sees it.
 *
 * @param bigTiff whether the file is a BigTIFF (64-bit offsets), which the JDK cannot read
 * @param size the file's length in bytes
 * @param pages the page chain, first page first
 */
record TiffStructure(boolean bigTiff, long size, List<TiffStructure.Directory> pages) {

  /**
   * One IFD.
   *
   * @param offset where it starts in the file
   * @param tiled whether its pixels are stored in tiles (TileOffsets, tag 324) rather than strips
   * @param ndpi whether it carries Hamamatsu's tag 65420 (NDPI stores level 0 in strips)
   * @param dataEnd the end of its last tile or strip in the file
   * @param subIfds its SubIFDs, in the order of tag 330
   * @param description its ImageDescription (tag 270) decoded as UTF-8, as tifffile and Bio-Formats
   *     write OME-XML (the JDK decodes it as ASCII, losing the µ of {@code µm})
   */
  record Directory(
      long offset,
      boolean tiled,
      boolean ndpi,
      long dataEnd,
      List<Directory> subIfds,
      Optional<String> description) {}

  /** A file that ends before a part its directories point to: final, whatever the reader. */
  static final class TruncatedException extends SlideException {
    TruncatedException(Path file, String reason) {
      super(file, reason);
    }
  }

  private static final int SUB_IFDS = 330;
  private static final int STRIP_OFFSETS = 273, STRIP_BYTE_COUNTS = 279;
  private static final int TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325;
  private static final int NDPI_FORMAT_FLAG = 65420;
  private static final int IMAGE_DESCRIPTION = 270;

  /** More pages than any slide has: a longer chain is a loop or garbage. */
  private static final int MAX_PAGES = 100_000;

  /** Whether {@code head} (the first bytes of a file) starts like a TIFF or BigTIFF. */
  static boolean isTiff(byte[] head) {
    if (head.length < 4) {
      return false;
    }
    boolean little = head[0] == 'I' && head[1] == 'I', big = head[0] == 'M' && head[1] == 'M';
    int magic =
        little ? (head[2] & 0xFF) | (head[3] & 0xFF) << 8 : (head[2] & 0xFF) << 8 | head[3] & 0xFF;
    return (little || big) && (magic == 42 || magic == 43);
  }

  /**
   * The structure of {@code file}.
   *
   * @throws SlideException naming the file: truncated (a directory, a value array or pixel data
   *     that lies beyond its end) or malformed (a loop in the page chain, an unknown header)
   */
  static TiffStructure read(Path file) throws SlideException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return new Parser(file, channel).parse();
    } catch (IOException e) {
      if (e instanceof SlideException slide) {
        throw slide;
      }
      throw new SlideException(file, "cannot read the TIFF structure: " + e.getMessage(), e);
    }
  }

  /** Reads directories by absolute file offsets, checking each against the file's length. */
  private static final class Parser {
    private final Path file;
    private final FileChannel channel;
    private final long size;
    private ByteOrder order;
    private boolean big;
    private final Set<Long> seen = new HashSet<>();

    Parser(Path file, FileChannel channel) throws IOException {
      this.file = file;
      this.channel = channel;
      this.size = channel.size();
    }

    TiffStructure parse() throws IOException {
      ByteBuffer header = read(0, 16 <= size ? 16 : 8, "the TIFF header");
      order = header.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      header.order(order);
      int magic = header.getShort(2) & 0xFFFF;
      if (!(header.get(0) == header.get(1) && (header.get(0) == 'I' || header.get(0) == 'M'))
          || (magic != 42 && magic != 43)) {
        throw new SlideException(file, "not a TIFF file (no TIFF header)");
      }
      big = magic == 43;
      if (big && header.limit() < 16) {
        throw truncated(8, 16, "the BigTIFF header");
      }
      long next = big ? header.getLong(8) : header.getInt(4) & 0xFFFFFFFFL;
      List<Directory> pages = new ArrayList<>();
      while (next != 0) {
        if (pages.size() >= MAX_PAGES) {
          throw new SlideException(file, "malformed TIFF: more than " + MAX_PAGES + " pages");
        }
        long[] following = new long[1];
        Directory page = directory(next, "page " + pages.size(), following, true);
        pages.add(page);
        // NDPI files over 4 GB keep the high half of their offsets outside the TIFF structure
        // (OpenSlide knows where): past page 0 a classic parser would read garbage.
        next = page.ndpi() && size > 0xFFFF_FFFFL ? 0 : following[0];
      }
      if (pages.isEmpty()) {
        throw new SlideException(file, "the TIFF has no image (its first page offset is 0)");
      }
      return new TiffStructure(big, size, List.copyOf(pages));
    }

    private Directory directory(long offset, String what, long[] next, boolean withSubIfds)
        throws IOException {
      if (!seen.add(offset)) {
        throw new SlideException(file, "malformed TIFF: " + what + " loops back to byte " + offset);
      }
      int countSize = big ? 8 : 2, entrySize = big ? 20 : 12, nextSize = big ? 8 : 4;
      ByteBuffer head = read(offset, countSize, what);
      long count = big ? head.getLong(0) : head.getShort(0) & 0xFFFF;
      if (count < 1 || count > 10_000) {
        throw new SlideException(
            file, "malformed TIFF: " + what + " at byte " + offset + " has " + count + " tags");
      }
      ByteBuffer entries =
          read(offset + countSize, (int) count * entrySize + nextSize, what + "'s tags");
      boolean tiled = false, ndpi = false;
      long[] offsets = null, counts = null, subIfds = new long[0];
      Optional<String> description = Optional.empty();
      for (int k = 0; k < count; k++) {
        int at = k * entrySize;
        int tag = entries.getShort(at) & 0xFFFF;
        switch (tag) {
          case TILE_OFFSETS -> {
            tiled = true;
            offsets = values(entries, at, what);
          }
          case STRIP_OFFSETS -> offsets = tiled ? offsets : values(entries, at, what);
          case TILE_BYTE_COUNTS, STRIP_BYTE_COUNTS -> {
            if (tag == TILE_BYTE_COUNTS || counts == null) {
              counts = values(entries, at, what);
            }
          }
          case SUB_IFDS -> subIfds = values(entries, at, what);
          case NDPI_FORMAT_FLAG -> ndpi = true;
          case IMAGE_DESCRIPTION -> description = text(entries, at, what);
          default -> {}
        }
      }
      next[0] =
          big
              ? entries.getLong((int) count * entrySize)
              : entries.getInt((int) count * entrySize) & 0xFFFFFFFFL;
      long dataEnd = 0;
      if (offsets != null && counts != null) {
        for (int k = 0; k < Math.min(offsets.length, counts.length); k++) {
          if (counts[k] > 0) {
            dataEnd = Math.max(dataEnd, offsets[k] + counts[k]);
          }
        }
      }
      if (dataEnd > size) {
        throw truncated(
            dataEnd, 0, "the pixel data of " + what + " (" + (tiled ? "tiles" : "strips") + ")");
      }
      List<Directory> children = new ArrayList<>();
      for (int k = 0; withSubIfds && k < subIfds.length; k++) {
        children.add(
            directory(subIfds[k], "SubIFD " + (k + 1) + " of " + what, new long[1], false));
      }
      return new Directory(offset, tiled, ndpi, dataEnd, List.copyOf(children), description);
    }

    /** An ASCII entry's bytes as UTF-8 text, up to its first NUL. */
    private Optional<String> text(ByteBuffer entries, int at, String what) throws IOException {
      int type = entries.getShort(at + 2) & 0xFFFF;
      long count = big ? entries.getLong(at + 4) : entries.getInt(at + 4) & 0xFFFFFFFFL;
      if ((type != 2 && type != 7) || count == 0 || count > 64 << 20) {
        return Optional.empty();
      }
      int inline = big ? 8 : 4;
      byte[] bytes = new byte[(int) count];
      if (count <= inline) {
        entries.get(at + (big ? 12 : 8), bytes);
      } else {
        long pointer = big ? entries.getLong(at + 12) : entries.getInt(at + 8) & 0xFFFFFFFFL;
        read(pointer, bytes.length, "the ImageDescription of " + what).get(bytes);
      }
      int end = 0;
      while (end < bytes.length && bytes[end] != 0) {
        end++;
      }
      return Optional.of(new String(bytes, 0, end, StandardCharsets.UTF_8));
    }

    /** The integer values of the entry at {@code at}: SHORT, LONG, LONG8, IFD or IFD8. */
    private long[] values(ByteBuffer entries, int at, String what) throws IOException {
      int type = entries.getShort(at + 2) & 0xFFFF;
      long count = big ? entries.getLong(at + 4) : entries.getInt(at + 4) & 0xFFFFFFFFL;
      int width =
          switch (type) {
            case 3 -> 2; // SHORT
            case 4, 13 -> 4; // LONG, IFD
            case 16, 18 -> 8; // LONG8, IFD8
            default -> 0;
          };
      if (width == 0 || count > 50_000_000) {
        throw new SlideException(
            file, "malformed TIFF: " + what + " stores offsets as type " + type + " x " + count);
      }
      int inline = big ? 8 : 4;
      ByteBuffer data;
      int base;
      if (count * width <= inline) {
        data = entries;
        base = at + (big ? 12 : 8);
      } else {
        long pointer = big ? entries.getLong(at + 12) : entries.getInt(at + 8) & 0xFFFFFFFFL;
        data = read(pointer, (int) (count * width), "the offsets of " + what);
        base = 0;
      }
      long[] result = new long[(int) count];
      for (int k = 0; k < result.length; k++) {
        int p = base + k * width;
        result[k] =
            switch (width) {
              case 2 -> data.getShort(p) & 0xFFFF;
              case 4 -> data.getInt(p) & 0xFFFFFFFFL;
              default -> data.getLong(p);
            };
      }
      return result;
    }

    private ByteBuffer read(long offset, int length, String what) throws IOException {
      if (offset < 0 || offset + length > size) {
        throw truncated(offset + length, offset, what);
      }
      ByteBuffer buffer =
          ByteBuffer.allocate(length).order(order == null ? ByteOrder.BIG_ENDIAN : order);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw truncated(offset + length, offset, what);
        }
      }
      return buffer.flip();
    }

    private SlideException truncated(long end, long start, String what) {
      return new TruncatedException(
          file,
          "truncated: the file ends at byte "
              + size
              + " but "
              + what
              + (start > 0 ? " starts at byte " + start + " and" : "")
              + " ends at byte "
              + end
              + " (an incomplete copy or download?)");
    }
  }
}
