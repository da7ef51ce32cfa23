package org.pathlens.slides.dicom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Where each frame's bytes lie in the file, so that one frame is read by positioned reads of its
 * fragments and nothing else. Native pixel data is one run of equal frames; encapsulated pixel data
 * is a Basic Offset Table item and fragment items, and a frame is one fragment or several: found
 * through the Extended Offset Table when there is one, else the Basic Offset Table, else one
 * fragment per frame, else (JPEG) a new frame at each fragment that starts with a start-of-image
 * marker. Every range is checked against the file when the table is built.
 */
public final class FrameTable {
  private static final int JPEG_SOI_LE = 0xD8FF; // bytes FF D8 read as a little-endian short

  private final long[] offsets;
  private final int[] lengths;

  /** Frame k is fragments firstFragment[k] .. firstFragment[k + 1] - 1. */
  private final int[] firstFragment;

  private FrameTable(long[] offsets, int[] lengths, int[] firstFragment) {
    this.offsets = offsets;
    this.lengths = lengths;
    this.firstFragment = firstFragment;
  }

  public int frames() {
    return firstFragment.length - 1;
  }

  /** The frame's bytes (its fragments joined). */
  public byte[] read(DicomInput in, int frame) throws IOException {
    int first = firstFragment[frame], end = firstFragment[frame + 1];
    if (end - first == 1) {
      return in.readAt(offsets[first], lengths[first]);
    }
    long total = 0;
    for (int f = first; f < end; f++) {
      total += lengths[f];
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new DicomFormatException("frame " + (frame + 1) + " holds " + total + " bytes");
    }
    byte[] out = new byte[(int) total];
    int at = 0;
    for (int f = first; f < end; f++) {
      byte[] part = in.readAt(offsets[f], lengths[f]);
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  /** Fragments making up the frame, for tests and diagnostics. */
  public int fragments(int frame) {
    return firstFragment[frame + 1] - firstFragment[frame];
  }

  /**
   * Native (uncompressed) frames of {@code frameBytes} each from {@code location}.
   *
   * @throws DicomFormatException when the pixel data is shorter than the frames need
   */
  public static FrameTable nativeFrames(
      DicomParser.PixelDataLocation location, int frames, long frameBytes)
      throws DicomFormatException {
    if (frameBytes > Integer.MAX_VALUE - 8) {
      throw new DicomFormatException("a frame of " + frameBytes + " bytes is too large to read");
    }
    if (location.length() < frames * frameBytes) {
      throw new DicomFormatException(
          "the pixel data holds "
              + location.length()
              + " bytes, but "
              + frames
              + " frames of "
              + frameBytes
              + " bytes need "
              + frames * frameBytes
              + ": the frame size (Rows x Columns x samples) does not match the data");
    }
    long[] offsets = new long[frames];
    int[] lengths = new int[frames];
    int[] first = new int[frames + 1];
    for (int k = 0; k < frames; k++) {
      offsets[k] = location.offset() + k * frameBytes;
      lengths[k] = (int) frameBytes;
      first[k + 1] = k + 1;
    }
    return new FrameTable(offsets, lengths, first);
  }

  /**
   * The frames of encapsulated pixel data starting at {@code location}.
   *
   * @param dataSet the instance's data set, for the Extended Offset Table
   * @throws DicomFormatException a fragment past the end of the file, an offset table entry that is
   *     not the start of a fragment, or fragments that cannot be told apart into the frames
   */
  public static FrameTable encapsulated(
      DicomInput in, DicomParser.PixelDataLocation location, int frames, DataSet dataSet)
      throws IOException {
    in.seek(location.offset());
    int tag = (in.u16() << 16) | in.u16();
    if (tag != Tags.ITEM) {
      throw new DicomFormatException(
          "encapsulated pixel data should start with the Basic Offset Table item, found "
              + Tags.name(tag));
    }
    long botLength = in.u32();
    if (botLength % 4 != 0 || in.position() + botLength > in.size()) {
      throw new DicomFormatException(
          "the Basic Offset Table claims " + botLength + " bytes, past the end of the file");
    }
    long[] bot = new long[(int) (botLength / 4)];
    for (int k = 0; k < bot.length; k++) {
      bot[k] = in.u32();
    }
    long base = in.position(); // offsets in both tables count from the first fragment's item tag
    long at = base;
    int capacity = Math.max(16, frames);
    long[] itemOffsets = new long[capacity], offsets = new long[capacity];
    int[] lengths = new int[capacity];
    boolean[] startsJpeg = new boolean[capacity];
    int count = 0;
    // One small positioned read per fragment header: the fragments themselves are not read.
    while (true) {
      if (at + 8 > in.size()) {
        throw new DicomFormatException(
            "truncated: the pixel data's fragments end at offset "
                + at
                + " without a sequence delimiter");
      }
      long itemStart = at;
      ByteBuffer header =
          ByteBuffer.wrap(in.readAt(at, (int) Math.min(10, in.size() - at)))
              .order(ByteOrder.LITTLE_ENDIAN);
      tag = (Short.toUnsignedInt(header.getShort()) << 16) | Short.toUnsignedInt(header.getShort());
      long length = Integer.toUnsignedLong(header.getInt());
      at += 8;
      if (tag == Tags.SEQUENCE_DELIMITATION) {
        break;
      }
      if (tag != Tags.ITEM) {
        throw new DicomFormatException(
            "a pixel data fragment expected at offset " + itemStart + ", found " + Tags.name(tag));
      }
      if (at + length > in.size()) {
        throw new DicomFormatException(
            "truncated: fragment "
                + (count + 1)
                + " at offset "
                + itemStart
                + " claims "
                + length
                + " bytes, the file ends at "
                + in.size());
      }
      if (length > Integer.MAX_VALUE - 8) {
        throw new DicomFormatException("fragment " + (count + 1) + " claims " + length + " bytes");
      }
      if (count == itemOffsets.length) {
        itemOffsets = Arrays.copyOf(itemOffsets, count * 2);
        offsets = Arrays.copyOf(offsets, count * 2);
        lengths = Arrays.copyOf(lengths, count * 2);
        startsJpeg = Arrays.copyOf(startsJpeg, count * 2);
      }
      itemOffsets[count] = itemStart - base;
      offsets[count] = at;
      lengths[count] = (int) length;
      startsJpeg[count] =
          length >= 2 && header.remaining() >= 2 && header.getShort() == (short) JPEG_SOI_LE;
      at += length;
      count++;
    }
    if (count == 0) {
      throw new DicomFormatException("the encapsulated pixel data holds no fragment");
    }
    long[] frameStarts = frameStarts(dataSet, bot, frames);
    int[] first = new int[frames + 1];
    if (frameStarts != null) {
      for (int k = 0; k < frames; k++) {
        int index = Arrays.binarySearch(itemOffsets, 0, count, frameStarts[k]);
        if (index < 0) {
          throw new DicomFormatException(
              "frame "
                  + (k + 1)
                  + "'s offset "
                  + frameStarts[k]
                  + " in the offset table is not the start of a fragment"
                  + (frameStarts[k] >= itemOffsets[count - 1]
                      ? " (it lies past the last fragment, at " + itemOffsets[count - 1] + ")"
                      : ""));
        }
        if (k > 0 && index <= first[k - 1]) {
          throw new DicomFormatException(
              "the offset table's entries are not increasing at frame " + (k + 1));
        }
        first[k] = index;
      }
      first[frames] = count;
    } else if (count == frames) {
      for (int k = 0; k <= frames; k++) {
        first[k] = k;
      }
    } else if (frames == 1) {
      first[1] = count;
    } else {
      int k = 0;
      for (int f = 0; f < count; f++) {
        if (startsJpeg[f]) {
          if (k == frames) {
            k++;
            break;
          }
          first[k++] = f;
        }
      }
      if (k != frames || first[0] != 0) {
        throw new DicomFormatException(
            count
                + " fragments and no offset table for "
                + frames
                + " frames: cannot tell which fragments make which frame");
      }
      first[frames] = count;
    }
    return new FrameTable(Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count), first);
  }

  /**
   * Each frame's offset from the first fragment's item, from the Extended Offset Table or the Basic
   * one; null when neither gives them (an empty Basic Offset Table).
   */
  private static long[] frameStarts(DataSet dataSet, long[] bot, int frames)
      throws DicomFormatException {
    var extended = dataSet.bytes(Tags.EXTENDED_OFFSET_TABLE);
    if (extended.isPresent()) {
      ByteBuffer b = ByteBuffer.wrap(extended.get()).order(ByteOrder.LITTLE_ENDIAN);
      if (b.remaining() != 8L * frames) {
        throw new DicomFormatException(
            "the Extended Offset Table has "
                + b.remaining() / 8
                + " entries for "
                + frames
                + " frames");
      }
      long[] starts = new long[frames];
      for (int k = 0; k < frames; k++) {
        starts[k] = b.getLong();
      }
      return starts;
    }
    if (bot.length == 0) {
      return null;
    }
    if (bot.length != frames) {
      throw new DicomFormatException(
          "the Basic Offset Table has " + bot.length + " entries for " + frames + " frames");
    }
    return bot;
  }
}
