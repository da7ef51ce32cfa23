package org.pathlens.slides.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parser on data sets written byte by byte, for the encodings pydicom does not write by
 * default: a UN element of undefined length holding an implicit-VR sequence (as a converter writes
 * a private sequence it does not know), sequences of defined length holding items of undefined
 * length and the reverse, and lengths past the end.
 */
class DicomParserTest {
  @TempDir Path dir;

  private static final int UNDEFINED = -1;

  @Test
  void nestedSequencesOfBothLengthKindsAndAnUnknownSequenceAreWalked() throws IOException {
    Bytes data = header("1.2.840.10008.1.2.1");
    data.explicit(Tags.IMAGE_TYPE, "CS", "ORIGINAL\\PRIMARY\\VOLUME\\NONE");
    // A private sequence read as UN: undefined length, items in implicit VR inside.
    data.tag(0x0009_1010).ascii("UN").u16(0).u32(UNDEFINED);
    data.tag(Tags.ITEM).u32(UNDEFINED);
    data.tag(0x0009_1011).u32(4).u32(7);
    data.tag(Tags.ITEM_DELIMITATION).u32(0);
    data.tag(Tags.SEQUENCE_DELIMITATION).u32(0);
    // Shared functional groups: undefined-length sequence, a defined-length item holding a
    // defined-length Pixel Measures sequence whose item has undefined length.
    Bytes measuresItem = new Bytes();
    measuresItem.explicit(Tags.PIXEL_SPACING, "DS", "0.0005\\0.00025 ");
    measuresItem.tag(Tags.ITEM_DELIMITATION).u32(0);
    Bytes measures = new Bytes();
    measures.tag(Tags.ITEM).u32(UNDEFINED).append(measuresItem);
    Bytes sharedItem = new Bytes();
    sharedItem.tag(Tags.PIXEL_MEASURES_SEQUENCE).ascii("SQ").u16(0).u32(measures.size());
    sharedItem.append(measures);
    data.tag(Tags.SHARED_FUNCTIONAL_GROUPS_SEQUENCE).ascii("SQ").u16(0).u32(UNDEFINED);
    data.tag(Tags.ITEM).u32(sharedItem.size()).append(sharedItem);
    data.tag(Tags.SEQUENCE_DELIMITATION).u32(0);
    data.tag(Tags.ROWS).ascii("US").u16(2).u16(256);
    data.tag(Tags.PIXEL_DATA).ascii("OB").u16(0).u32(6).bytes(new byte[] {1, 2, 3, 4, 5, 6});

    DicomParser.Parsed parsed = parse(data);
    DataSet d = parsed.dataSet();
    assertEquals(List.of("ORIGINAL", "PRIMARY", "VOLUME", "NONE"), d.strings(Tags.IMAGE_TYPE));
    assertEquals(256, d.integer(Tags.ROWS).getAsLong());
    DataSet privateItem = d.sequence(0x0009_1010).getFirst();
    assertArrayEquals(new byte[] {7, 0, 0, 0}, privateItem.bytes(0x0009_1011).orElseThrow());
    DataSet pixelMeasures =
        d.item(Tags.SHARED_FUNCTIONAL_GROUPS_SEQUENCE)
            .flatMap(g -> g.item(Tags.PIXEL_MEASURES_SEQUENCE))
            .orElseThrow();
    assertArrayEquals(new double[] {0.0005, 0.00025}, pixelMeasures.decimals(Tags.PIXEL_SPACING));
    assertEquals(6, parsed.pixelData().length());
    assertEquals(data.size() - 6, parsed.pixelData().offset());
  }

  @Test
  void implicitVrSequencesOfDefinedLengthAreKnownByTheDictionary() throws IOException {
    Bytes data = header("1.2.840.10008.1.2");
    Bytes item = new Bytes();
    item.tag(Tags.PLANE_POSITION_SLIDE_SEQUENCE).u32(UNDEFINED);
    item.tag(Tags.ITEM).u32(UNDEFINED);
    item.tag(Tags.COLUMN_POSITION_IN_TOTAL_MATRIX).u32(4).u32(257);
    item.tag(Tags.ROW_POSITION_IN_TOTAL_MATRIX).u32(4).u32(-255); // SL: signed
    item.tag(Tags.ITEM_DELIMITATION).u32(0);
    item.tag(Tags.SEQUENCE_DELIMITATION).u32(0);
    Bytes items = new Bytes();
    items.tag(Tags.ITEM).u32(item.size()).append(item);
    data.tag(Tags.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE).u32(items.size()).append(items);
    data.tag(Tags.NUMBER_OF_FRAMES).u32(2).ascii("1 ");
    data.tag(Tags.PIXEL_DATA).u32(0);

    DataSet d = parse(data).dataSet();
    DataSet plane =
        d.sequence(Tags.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE)
            .getFirst()
            .item(Tags.PLANE_POSITION_SLIDE_SEQUENCE)
            .orElseThrow();
    assertEquals(257, plane.integer(Tags.COLUMN_POSITION_IN_TOTAL_MATRIX).getAsLong());
    assertEquals(-255, plane.integer(Tags.ROW_POSITION_IN_TOTAL_MATRIX).getAsLong());
    assertEquals(1, d.integer(Tags.NUMBER_OF_FRAMES).getAsLong(), "IS, as text");
  }

  @Test
  void lengthsPastTheEndAndMissingPartsAreNamed() throws IOException {
    Bytes data = header("1.2.840.10008.1.2.1");
    data.tag(Tags.IMAGE_TYPE).ascii("CS").u16(200).ascii("ORIGINAL");
    DicomFormatException e = assertThrows(DicomFormatException.class, () -> parse(data));
    assertTrue(
        e.getMessage().startsWith("truncated: element (0008,0008) at offset 160 claims 200 bytes"),
        e.getMessage());

    Bytes noPixels = header("1.2.840.10008.1.2.1");
    noPixels.explicit(Tags.IMAGE_TYPE, "CS", "ORIGINAL");
    assertEquals(
        "no pixel data (7FE0,0010): not an image instance",
        assertThrows(DicomFormatException.class, () -> parse(noPixels)).getMessage());

    Bytes bigEndian = header("1.2.840.10008.1.2.2");
    assertEquals(
        "Explicit VR Big Endian (1.2.840.10008.1.2.2) is not read; PathLens reads little-endian,"
            + " uncompressed data sets",
        assertThrows(DicomFormatException.class, () -> parse(bigEndian)).getMessage());

    Path notDicom = Files.write(dir.resolve("x.dcm"), new byte[300]);
    try (DicomInput in = DicomInput.open(notDicom)) {
      assertEquals(
          "not a DICOM Part 10 file: no 'DICM' after the preamble",
          assertThrows(DicomFormatException.class, () -> DicomParser.parse(in)).getMessage());
    }
  }

  private DicomParser.Parsed parse(Bytes data) throws IOException {
    Path file = Files.write(dir.resolve("test.dcm"), data.toArray());
    try (DicomInput in = DicomInput.open(file)) {
      return DicomParser.parse(in);
    }
  }

  /** Preamble, DICM, and a meta group naming {@code syntax}. */
  private static Bytes header(String syntax) {
    Bytes b = new Bytes();
    b.bytes(new byte[128]).ascii("DICM");
    String padded = syntax.length() % 2 == 0 ? syntax : syntax + "\0";
    b.tag(Tags.TRANSFER_SYNTAX_UID).ascii("UI").u16(padded.length()).ascii(padded);
    return b;
  }

  /** Little-endian bytes, written in order. */
  private static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes tag(int tag) {
      return u16(tag >>> 16).u16(tag & 0xFFFF);
    }

    Bytes u16(int v) {
      out.write(v & 0xFF);
      out.write((v >>> 8) & 0xFF);
      return this;
    }

    Bytes u32(int v) {
      return u16(v & 0xFFFF).u16(v >>> 16);
    }

    Bytes ascii(String s) {
      return bytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    Bytes bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Bytes append(Bytes other) {
      return bytes(other.toArray());
    }

    /** An explicit-VR element with a short (2-byte) length, padded to even with a space. */
    Bytes explicit(int tag, String vr, String value) {
      String padded = value.length() % 2 == 0 ? value : value + " ";
      return tag(tag).ascii(vr).u16(padded.length()).ascii(padded);
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return Arrays.copyOf(out.toByteArray(), out.size());
    }
  }
}
