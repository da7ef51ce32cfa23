package org.pathlens.encoders.text;

/**
 * A text the model's own cleaning would change in a way PathLens does not reproduce (ftfy's
 * mojibake repair): embedding it anyway would give a vector the model's users never get, so it is
 * refused, naming the text.
 */
public final class UncleanableTextException extends RuntimeException {

  UncleanableTextException(String message) {
    super(message);
  }
}
