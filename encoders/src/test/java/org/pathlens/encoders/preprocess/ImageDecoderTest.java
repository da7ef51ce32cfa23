package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

  private final ImageDecoder decoder = new ImageDecoder(10_000_000L);

  @TempDir Path tmp;

  @Test
  void decompressionBombIsRejectedFromTheHeader() throws Exception {
    // IHDR claims 100000 x 100000 RGB (30 GB of pixels) in a 57-byte file.
    Path bomb = tmp.resolve("bomb.png");
    Files.write(bomb, png(100_000, 100_000, 8, 2, new byte[0]));
    long start = System.nanoTime();
    var e = assertThrows(ImageDecodeException.class, () -> decoder.decode(bomb));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(e.getMessage().contains(bomb.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
    assertTrue(millis < 2000, "took " + millis + " ms");
    System.out.println("bomb rejected in " + millis + " ms: " + e.getMessage());
  }

  @Test
  void theHeaderTellsSizeDepthAndDecodeCostWithoutDecoding() throws Exception {
    // The upload: 9,400 px square, 16-bit RGBA (its pixel data left out: never read).
    byte[] big = png(9400, 9400, 16, 6, new byte[] {0});
    ImageHeader header = new ImageDecoder(100_000_000L).header(big, "big.png");
    assertEquals(new ImageHeader("PNG", 9400, 9400, 64), header);
    assertEquals(88_360_000L * (8 + 3), header.decodedBytes());

    var tooLarge =
        assertThrows(
            ImageTooLargeException.class, () -> new ImageDecoder(50_000_000L).header(big, "b.png"));
    assertEquals(88_360_000L, tooLarge.pixels());
    assertEquals(50_000_000L, tooLarge.limit());
    assertTrue(
        tooLarge.getMessage().startsWith("b.png: PNG image is 9400x9400"), tooLarge.getMessage());
    assertTrue(tooLarge.getMessage().contains("--max-pixels"), tooLarge.getMessage());
    // decode refuses it the same way, from the same header.
    assertThrows(
        ImageTooLargeException.class, () -> new ImageDecoder(50_000_000L).decode(big, "b.png"));

    Path images = GoldenFiles.dir().resolve("images");
    assertEquals(
        new ImageHeader("PNG", 150, 150, 24),
        decoder.header(Files.readAllBytes(images.resolve("rgb_150x150.png")), "rgb"));
    assertEquals(
        new ImageHeader("PNG", 240, 270, 48),
        decoder.header(Files.readAllBytes(images.resolve("rgb16_240x270.png")), "rgb16"));
    assertEquals(
        new ImageHeader("JPEG", 400, 300, 24),
        decoder.header(Files.readAllBytes(images.resolve("rgb_400x300.jpg")), "jpeg"));
    ImageHeader palette =
        decoder.header(Files.readAllBytes(images.resolve("palette_260x300.png")), "palette");
    assertEquals(260L * 300 * (1 + 3), palette.decodedBytes(), palette.toString());
    assertMessage(
        () -> decoder.header("not an image".getBytes(StandardCharsets.UTF_8), "notes.txt"),
        "notes.txt",
        "not a recognised image format");
  }

  @Test
  void pixelLimitIsInclusive() throws Exception {
    byte[] file = Files.readAllBytes(GoldenFiles.dir().resolve("images/rgb_150x150.png"));
    assertEquals(150, new ImageDecoder(150 * 150).decode(file, "ok.png").width());
    var e =
        assertThrows(
            ImageDecodeException.class,
            () -> new ImageDecoder(150 * 150 - 1).decode(file, "tile-7.png"));
    assertTrue(e.getMessage().startsWith("tile-7.png: "), e.getMessage());
  }

  @Test
  void emptyFile() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty.png"));
    assertMessage(() -> decoder.decode(empty), empty.toString(), "empty file");
    assertMessage(() -> decoder.decode(new byte[0], "upload.jpg"), "upload.jpg", "empty file");
  }

  @Test
  void missingFile() {
    Path missing = tmp.resolve("nope.png");
    assertMessage(() -> decoder.decode(missing), missing.toString(), "no such file");
  }

  @Test
  void textFileIsNotAnImage() throws Exception {
    Path text = tmp.resolve("notes.png");
    Files.writeString(text, "this is not an image\n");
    assertMessage(() -> decoder.decode(text), text.toString(), "not a recognised image format");
  }

  @Test
  void truncatedPng() throws Exception {
    byte[] full = Files.readAllBytes(GoldenFiles.dir().resolve("images/rgb_512x512.png"));
    Path cut = tmp.resolve("cut.png");
    Files.write(cut, Arrays.copyOf(full, full.length / 2));
    var e = assertMessage(() -> decoder.decode(cut), cut.toString(), "PNG");
    assertTrue(e.getCause() != null, "cause kept");
  }

  @Test
  void truncatedJpeg() throws Exception {
    byte[] full = Files.readAllBytes(GoldenFiles.dir().resolve("images/rgb_400x300.jpg"));
    Path cut = tmp.resolve("cut.jpg");
    Files.write(cut, Arrays.copyOf(full, full.length / 2));
    assertMessage(() -> decoder.decode(cut), cut.toString(), "truncated JPEG");
  }

  @Test
  void jpegIsTruncatedExactlyWhenPilSaysSo() throws Exception {
    // Pillow 9.4: the file without its last two bytes (the FF D9 end marker) is "truncated";
    // the first half with FF D9 appended decodes (missing blocks gray).
    byte[] full = Files.readAllBytes(GoldenFiles.dir().resolve("images/rgb_400x300.jpg"));
    assertMessage(
        () -> decoder.decode(Arrays.copyOf(full, full.length - 2), "no-eoi.jpg"),
        "no-eoi.jpg",
        "truncated JPEG");
    byte[] halfWithEnd = Arrays.copyOf(full, full.length / 2 + 2);
    halfWithEnd[halfWithEnd.length - 2] = (byte) 0xFF;
    halfWithEnd[halfWithEnd.length - 1] = (byte) 0xD9;
    assertEquals(400, decoder.decode(halfWithEnd, "half-eoi.jpg").width());
  }

  @Test
  void embeddedIccProfileIsNotApplied() throws Exception {
    // PIL ignores ICC profiles; the JDK's JPEG reader would convert to sRGB (up to ~50 levels on
    // real files). Same JPEG with and without a linear-RGB profile must give the same pixels.
    byte[] plain = Files.readAllBytes(GoldenFiles.dir().resolve("images/rgb_400x300.jpg"));
    byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    var app2 = new ByteArrayOutputStream();
    byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
    int length = 2 + tag.length + 2 + profile.length;
    app2.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) (length >> 8), (byte) length});
    app2.writeBytes(tag);
    app2.writeBytes(new byte[] {1, 1});
    app2.writeBytes(profile);
    var withIcc = new ByteArrayOutputStream();
    withIcc.write(plain, 0, 2); // SOI
    withIcc.writeBytes(app2.toByteArray());
    withIcc.write(plain, 2, plain.length - 2);
    RgbImage expected = decoder.decode(plain, "plain.jpg");
    RgbImage actual = decoder.decode(withIcc.toByteArray(), "icc.jpg");
    assertArrayEquals(expected.rgb(), actual.rgb());
  }

  @Test
  void truncatedTiff() throws Exception {
    byte[] full = Files.readAllBytes(GoldenFiles.dir().resolve("images/cmyk_200x180.tif"));
    assertMessage(
        () -> decoder.decode(Arrays.copyOf(full, full.length / 2), "cut.tif"), "cut.tif", "TIFF");
  }

  @Test
  void corruptPng() throws Exception {
    byte[] garbage = new byte[400];
    new Random(1).nextBytes(garbage);
    System.arraycopy(
        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, 0, garbage, 0, 8);
    Path bad = tmp.resolve("bad.png");
    Files.write(bad, garbage);
    assertMessage(() -> decoder.decode(bad), bad.toString(), "PNG");
  }

  @Test
  void lowBitDepthGrayIsScaledLikePil() throws Exception {
    // Pillow 9.4: 2-bit [0,1,2,3] -> [0,85,170,255]; 4-bit [0,15,7,10] -> [0,255,119,170].
    RgbImage two = decoder.decode(png(4, 1, 2, 0, new byte[] {0, 0b00011011}), "g2.png");
    RgbImage four = decoder.decode(png(4, 1, 4, 0, new byte[] {0, 0x0F, 0x7A}), "g4.png");
    assertArrayEquals(new int[] {0, 85, 170, 255}, reds(two));
    assertArrayEquals(new int[] {0, 255, 119, 170}, reds(four));
  }

  @Test
  void sixteenBitGrayIsClippedLikePilModeI() throws Exception {
    // Pillow 9.4 opens 16-bit gray as mode "I"; convert("RGB") clips: 256.. -> 255.
    ByteBuffer row = ByteBuffer.allocate(1 + 12).put((byte) 0);
    for (int v : new int[] {0, 100, 255, 256, 1000, 65535}) {
      row.putShort((short) v);
    }
    RgbImage img = decoder.decode(png(6, 1, 16, 0, row.array()), "g16.png");
    assertArrayEquals(new int[] {0, 100, 255, 255, 255, 255}, reds(img));
    assertEquals(img.sample(4, 0, 0), img.sample(4, 0, 2));
  }

  @Test
  void sixteenBitRgbKeepsTheHighByteLikePil() throws Exception {
    ByteBuffer row = ByteBuffer.allocate(1 + 18).put((byte) 0);
    for (int v : new int[] {0, 255, 256, 511, 1000, 65535, 32768, 300, 40000}) {
      row.putShort((short) v);
    }
    RgbImage img = decoder.decode(png(3, 1, 16, 2, row.array()), "rgb16.png");
    // Pillow 9.4: [[0 0 1] [1 3 255] [128 1 156]]
    assertArrayEquals(new byte[] {0, 0, 1, 1, 3, (byte) 255, (byte) 128, 1, (byte) 156}, img.rgb());
  }

  @Test
  void cmykUsesPillowsFormula() {
    // Values from Pillow 9.4's Image.fromarray(cmyk, "CMYK").convert("RGB").
    int[][] cmyk = {
      {0, 0, 0, 0}, {255, 0, 0, 0}, {100, 50, 200, 30}, {10, 20, 30, 255}, {200, 200, 200, 100}
    };
    int[][] rgb = {{255, 255, 255}, {0, 255, 255}, {137, 181, 49}, {0, 0, 0}, {33, 33, 33}};
    for (int i = 0; i < cmyk.length; i++) {
      int nk = 255 - cmyk[i][3];
      for (int c = 0; c < 3; c++) {
        assertEquals(
            rgb[i][c],
            PilRgbConversion.cmykChannel(cmyk[i][c], nk),
            "pixel " + i + " channel " + c);
      }
    }
  }

  private static int[] reds(RgbImage img) {
    int[] out = new int[img.width()];
    for (int x = 0; x < out.length; x++) {
      out[x] = img.sample(x, 0, 0);
    }
    return out;
  }

  private static ImageDecodeException assertMessage(
      Executable call, String fileName, String reason) {
    var e = assertThrows(ImageDecodeException.class, call);
    assertTrue(e.getMessage().contains(fileName), "names the file: " + e.getMessage());
    assertTrue(e.getMessage().contains(reason), "says why (" + reason + "): " + e.getMessage());
    System.out.println("rejected: " + e.getMessage());
    return e;
  }

  /** A minimal PNG: one IDAT holding {@code rawRows} (filter bytes included), zlib-compressed. */
  static byte[] png(int width, int height, int bitDepth, int colorType, byte[] rawRows) {
    var out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    chunk(
        out,
        "IHDR",
        ByteBuffer.allocate(13)
            .putInt(width)
            .putInt(height)
            .put((byte) bitDepth)
            .put((byte) colorType)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0)
            .array());
    if (rawRows.length > 0) {
      Deflater deflater = new Deflater();
      deflater.setInput(rawRows);
      deflater.finish();
      byte[] buf = new byte[rawRows.length + 64];
      int n = deflater.deflate(buf);
      deflater.end();
      chunk(out, "IDAT", Arrays.copyOf(buf, n));
    }
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
