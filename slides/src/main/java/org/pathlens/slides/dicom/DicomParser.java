package org.pathlens.slides.dicom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses a DICOM Part 10 file up to its pixel data: the file meta group (always explicit VR little
 * endian), then the data set in the transfer syntax it names (explicit or implicit VR little
 * endian; every encapsulated syntax is explicit VR little endian), with sequences and items of
 * defined and undefined length. The pixel data itself is not read, only where it starts; values
 * over {@value #LARGEST_VALUE} bytes other than the offset tables are skipped, so that a header
 * costs little memory whatever the file holds.
 */
public final class DicomParser {
  /** What the parser found: the data set, its transfer syntax, and where the pixels are. */
  public record Parsed(DataSet dataSet, String transferSyntax, PixelDataLocation pixelData) {}

  /**
   * Where the Pixel Data element's value starts and how long it is ({@code -1}: undefined, i.e.
   * encapsulated in items).
   */
  public record PixelDataLocation(long offset, long length) {
    public boolean encapsulated() {
      return length < 0;
    }
  }

  static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
  private static final int LARGEST_VALUE = 16 << 20;
  private static final long UNDEFINED = 0xFFFF_FFFFL;

  /** VRs whose explicit form has a reserved 2 bytes and a 4-byte length. */
  private static final Set<String> LONG_VRS =
      Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

  private final DicomInput in;

  private DicomParser(DicomInput in) {
    this.in = in;
  }

  /**
   * Parses the file behind {@code in} from its start.
   *
   * @throws DicomFormatException not a Part 10 file, truncated, a length past the end, no pixel
   *     data, or a byte order this reader does not take (big endian, deflated)
   */
  public static Parsed parse(DicomInput in) throws IOException {
    if (in.size() < 132) {
      throw new DicomFormatException(
          "not a DICOM file: " + in.size() + " bytes, shorter than the 132-byte preamble");
    }
    in.seek(128);
    if (!new String(in.bytes(4), StandardCharsets.US_ASCII).equals("DICM")) {
      throw new DicomFormatException("not a DICOM Part 10 file: no 'DICM' after the preamble");
    }
    DicomParser parser = new DicomParser(in);
    DataSet meta = new DataSet();
    while (!in.atEnd() && parser.peekGroup() == 0x0002) {
      parser.element(meta, true, false);
    }
    String syntax =
        meta.string(Tags.TRANSFER_SYNTAX_UID)
            .orElseThrow(
                () -> new DicomFormatException("the file meta group has no transfer syntax UID"));
    TransferSyntax.requireLittleEndian(syntax);
    boolean explicit = !syntax.equals(IMPLICIT_VR_LITTLE_ENDIAN);
    DataSet dataSet = new DataSet();
    dataSet.put(Tags.TRANSFER_SYNTAX_UID, "UI", syntax.getBytes(StandardCharsets.US_ASCII));
    while (!in.atEnd()) {
      PixelDataLocation pixels = parser.element(dataSet, explicit, true);
      if (pixels != null) {
        return new Parsed(dataSet, syntax, pixels);
      }
    }
    throw new DicomFormatException("no pixel data (7FE0,0010): not an image instance");
  }

  private int peekGroup() throws IOException {
    long at = in.position();
    int group = in.u16();
    in.seek(at);
    return group;
  }

  /**
   * Reads one element into {@code into}; returns where the pixel data is when the element is the
   * top-level Pixel Data (the parser stops there), else null.
   */
  private PixelDataLocation element(DataSet into, boolean explicit, boolean topLevel)
      throws IOException {
    long start = in.position();
    int tag = (in.u16() << 16) | in.u16();
    String vr;
    long length;
    if (explicit) {
      vr = new String(in.bytes(2), StandardCharsets.US_ASCII);
      if (LONG_VRS.contains(vr)) {
        in.skip(2);
        length = in.u32();
      } else if (vr.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
        length = in.u16();
      } else {
        throw new DicomFormatException(
            "element "
                + Tags.name(tag)
                + " at offset "
                + start
                + " has no valid VR ('"
                + vr
                + "'): the data set is damaged or not explicit VR as its transfer syntax says");
      }
    } else {
      vr = Tags.implicitVr(tag);
      length = in.u32();
    }
    if (topLevel && tag == Tags.PIXEL_DATA) {
      long valueStart = in.position();
      if (length != UNDEFINED && valueStart + length > in.size()) {
        throw truncated(tag, start, length);
      }
      return new PixelDataLocation(valueStart, length == UNDEFINED ? -1 : length);
    }
    if (length == UNDEFINED) {
      // Only a sequence (SQ, or UN holding an implicit-VR sequence) has undefined length here.
      into.putSequence(tag, items(-1, explicit && !vr.equals("UN")));
    } else if (vr.equals("SQ")) {
      if (in.position() + length > in.size()) {
        throw truncated(tag, start, length);
      }
      into.putSequence(tag, items(in.position() + length, explicit));
    } else if (in.position() + length > in.size()) {
      throw truncated(tag, start, length);
    } else if (length > LARGEST_VALUE
        && tag != Tags.EXTENDED_OFFSET_TABLE
        && tag != Tags.EXTENDED_OFFSET_TABLE_LENGTHS) {
      in.skip(length);
    } else if (length > Integer.MAX_VALUE - 8) {
      throw new DicomFormatException(
          Tags.name(tag) + " claims " + length + " bytes, more than an offset table can hold");
    } else {
      into.put(tag, vr, in.bytes((int) length));
    }
    return null;
  }

  /** The items of a sequence ending at {@code end}, or at its delimiter when {@code end < 0}. */
  private List<DataSet> items(long end, boolean explicit) throws IOException {
    List<DataSet> items = new ArrayList<>();
    while (end < 0 || in.position() < end) {
      long start = in.position();
      int tag = (in.u16() << 16) | in.u16();
      long length = in.u32();
      if (tag == Tags.SEQUENCE_DELIMITATION) {
        if (end < 0) {
          return items;
        }
        continue; // tolerated inside a defined length, as other readers do
      }
      if (tag != Tags.ITEM) {
        throw new DicomFormatException(
            "a sequence item expected at offset " + start + ", found tag " + Tags.name(tag));
      }
      DataSet item = new DataSet();
      if (length == UNDEFINED) {
        while (true) {
          long at = in.position();
          int next = (in.u16() << 16) | in.u16();
          if (next == Tags.ITEM_DELIMITATION) {
            in.u32();
            break;
          }
          in.seek(at);
          element(item, explicit, false);
        }
      } else {
        long itemEnd = in.position() + length;
        if (itemEnd > in.size()) {
          throw truncated(Tags.ITEM, start, length);
        }
        while (in.position() < itemEnd) {
          element(item, explicit, false);
        }
      }
      items.add(item);
    }
    return items;
  }

  private DicomFormatException truncated(int tag, long start, long length) {
    return new DicomFormatException(
        "truncated: element "
            + Tags.name(tag)
            + " at offset "
            + start
            + " claims "
            + length
            + " bytes, the file ends at "
            + in.size());
  }
}
