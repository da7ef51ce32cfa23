package org.pathlens.encoders.preprocess;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import javax.imageio.stream.ImageInputStream;

/**
 * Tells a whole-slide image from a tile, so that commands embedding single images ({@code embed},
 * {@code classify --images}, uploads) refuse a slide with a pointer to {@code ingest --slides}
 * instead of skipping it without a word or embedding a gigapixel scan squeezed into one 224-px
 * image.
 */
public final class WholeSlideImages {

  /** The refusal, naming the command that reads slides. */
  public static final String NOT_A_TILE =
      "a whole-slide image, not a tile: cut it into tiles with ./pathlens ingest --slides FILE"
          + " --index DIR (then search or classify the index)";

  /** Extensions of vendor slide formats (OpenSlide's and DICOM's); none of them holds a tile. */
  public static final Set<String> SLIDE_EXTENSIONS =
      Set.of("svs", "ndpi", "scn", "bif", "mrxs", "vms", "vmu", "svslide", "dcm", "isyntax");

  private WholeSlideImages() {}

  /** Whether {@code name} ends in a vendor slide extension. */
  public static boolean isSlideName(String name) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && SLIDE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * Whether the stream starts as a BigTIFF (version 43), which the JDK cannot read and which only
   * whole-slide images need; the stream is left where it was.
   */
  static boolean isBigTiff(ImageInputStream in) throws IOException {
    in.mark();
    try {
      byte[] head = new byte[4];
      if (in.read(head) < 4) {
        return false;
      }
      return (head[0] == 'I' && head[1] == 'I' && head[2] == 43 && head[3] == 0)
          || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 43);
    } finally {
      in.reset();
    }
  }
}
