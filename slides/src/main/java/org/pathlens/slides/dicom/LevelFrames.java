package org.pathlens.slides.dicom;

import java.io.IOException;
import java.util.Set;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * The tiles of one pyramid level: its instance's tile grid, frame table and file, and the decoding
 * of one frame into RGB. JPEG frames go through the decoder every image in PathLens goes through
 * (libjpeg-turbo, or the JDK's libjpeg), so that they decode as Pillow decodes them; JPEG 2000
 * frames through OpenJPEG, as Pillow decodes them too ({@link OpenJpeg}); native frames are copied
 * (8-bit RGB, interleaved or planar). Thread-safe: frames are read by positioned reads.
 */
public final class LevelFrames implements AutoCloseable {
  private static final Set<String> JPEG_PHOTOMETRIC = Set.of("RGB", "YBR_FULL_422", "YBR_FULL");

  /** OpenJPEG undoes the codestream's ICT or RCT itself: its output is RGB for all three. */
  private static final Set<String> JPEG_2000_PHOTOMETRIC = Set.of("RGB", "YBR_ICT", "YBR_RCT");

  private final DicomInstance instance;
  private final TransferSyntax syntax;
  private final DicomInput input;
  private final FrameTable table;
  private final TileGrid grid;
  private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

  private LevelFrames(
      DicomInstance instance,
      TransferSyntax syntax,
      DicomInput input,
      FrameTable table,
      TileGrid grid) {
    this.instance = instance;
    this.syntax = syntax;
    this.input = input;
    this.table = table;
    this.grid = grid;
  }

  /**
   * Opens the level of {@code instance}: checks that its pixels are ones this reader decodes and
   * builds its frame table and tile grid.
   *
   * @throws DicomFormatException a transfer syntax or pixel format not read, offsets past the end,
   *     a grid the frames do not fit
   */
  public static LevelFrames open(DicomInstance instance) throws IOException {
    TransferSyntax syntax = TransferSyntax.of(instance.transferSyntaxUid());
    requireReadablePixels(instance, syntax);
    TileGrid grid = TileGrid.of(instance);
    DicomInput input = DicomInput.open(instance.file());
    try {
      FrameTable table =
          syntax.encapsulated()
              ? encapsulated(input, instance)
              : FrameTable.nativeFrames(
                  instance.pixelData(),
                  instance.frames(),
                  3L * instance.tileWidth() * instance.tileHeight());
      return new LevelFrames(instance, syntax, input, table, grid);
    } catch (IOException | RuntimeException e) {
      input.close();
      throw e;
    }
  }

  private static FrameTable encapsulated(DicomInput input, DicomInstance instance)
      throws IOException {
    if (!instance.pixelData().encapsulated()) {
      throw new DicomFormatException(
          "the transfer syntax is compressed but the pixel data is not encapsulated");
    }
    return FrameTable.encapsulated(
        input, instance.pixelData(), instance.frames(), instance.dataSet());
  }

  public DicomInstance instance() {
    return instance;
  }

  public TileGrid grid() {
    return grid;
  }

  public FrameTable table() {
    return table;
  }

  /**
   * The RGB pixels ({@code tileWidth x tileHeight x 3}) of the tile at ({@code column}, {@code
   * row}); null when no frame covers it (a gap of a sparse grid).
   *
   * @throws DicomFormatException naming the frame when it does not decode or decodes to another
   *     size than the instance's tiles
   */
  public byte[] tile(int column, int row) throws IOException {
    int frame = grid.frame(column, row);
    if (frame < 0) {
      return null;
    }
    byte[] bytes = table.read(input, frame);
    int width = instance.tileWidth(), height = instance.tileHeight();
    if (!syntax.encapsulated()) {
      return instance.planarConfiguration() == 1 ? interleave(bytes, width * height) : bytes;
    }
    RgbImage image;
    if (syntax == TransferSyntax.JPEG_2000) {
      try {
        image = OpenJpeg.instance().decode(bytes);
      } catch (DicomFormatException e) {
        throw new DicomFormatException("frame " + (frame + 1) + ": " + e.getMessage());
      }
    } else {
      try {
        image =
            decoder.decode(
                JpegColour.forPhotometric(bytes, instance.photometric()), "frame " + (frame + 1));
      } catch (ImageDecodeException e) {
        throw new DicomFormatException(e.getMessage());
      }
    }
    if (image.width() != width || image.height() != height) {
      throw new DicomFormatException(
          "frame "
              + (frame + 1)
              + " decodes to "
              + image.width()
              + "x"
              + image.height()
              + " pixels, but the instance's tiles are "
              + width
              + "x"
              + height);
    }
    return image.rgb();
  }

  /** RRR…GGG…BBB… to RGBRGB…. */
  private static byte[] interleave(byte[] planar, int pixels) {
    byte[] rgb = new byte[pixels * 3];
    for (int i = 0; i < pixels; i++) {
      rgb[3 * i] = planar[i];
      rgb[3 * i + 1] = planar[pixels + i];
      rgb[3 * i + 2] = planar[2 * pixels + i];
    }
    return rgb;
  }

  private static void requireReadablePixels(DicomInstance instance, TransferSyntax syntax)
      throws DicomFormatException {
    int samples = instance.samplesPerPixel(), bits = instance.bitsAllocated();
    String photometric = instance.photometric();
    boolean readable =
        samples == 3
            && bits == 8
            && switch (syntax) {
              case JPEG_BASELINE -> JPEG_PHOTOMETRIC.contains(photometric);
              case JPEG_2000 -> JPEG_2000_PHOTOMETRIC.contains(photometric);
              default -> photometric.equals("RGB");
            };
    if (!readable) {
      throw new DicomFormatException(
          "pixels of "
              + samples
              + " sample(s) of "
              + bits
              + " bits, "
              + (photometric.isEmpty() ? "no PhotometricInterpretation" : photometric)
              + ", in "
              + TransferSyntax.describe(instance.transferSyntaxUid())
              + " are not read; PathLens reads 8-bit RGB (JPEG: RGB or YBR_FULL_422; JPEG 2000:"
              + " RGB, YBR_ICT or YBR_RCT)");
    }
    if (syntax == TransferSyntax.JPEG_2000 && OpenJpeg.instance() == null) {
      throw new DicomFormatException(
          TransferSyntax.describe(instance.transferSyntaxUid())
              + " frames need OpenJPEG (libopenjp2.so.7: apt-get install libopenjp2-7), which is"
              + " not installed");
    }
  }

  @Override
  public void close() throws IOException {
    input.close();
  }
}
