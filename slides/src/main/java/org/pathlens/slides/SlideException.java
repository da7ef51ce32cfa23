package org.pathlens.slides;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A slide that cannot be opened or read: the message starts with the file and gives the reason (for
 * OpenSlide, its own). Checked, so that a caller going through many slides decides to skip this one
 * and go on with the others.
 */
public class SlideException extends IOException {
  private final Path slide;
  private final String reason;

  public SlideException(Path slide, String reason) {
    super(slide + ": " + reason);
    this.slide = slide;
    this.reason = reason;
  }

  public SlideException(Path slide, String reason, Throwable cause) {
    super(slide + ": " + reason, cause);
    this.slide = slide;
    this.reason = reason;
  }

  /** The reason alone, without the file's name. */
  public String reason() {
    return reason;
  }

  /** The slide file the problem is about. */
  public Path slide() {
    return slide;
  }
}
