package org.pathlens.encoders;

/** Inference failed: the message says which encoder and why; the cause keeps DJL's report. */
public class EncoderException extends RuntimeException {

  public EncoderException(String message) {
    super(message);
  }

  public EncoderException(String message, Throwable cause) {
    super(message, cause);
  }
}
