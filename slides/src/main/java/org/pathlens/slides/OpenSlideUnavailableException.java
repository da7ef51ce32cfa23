package org.pathlens.slides;

/**
 * OpenSlide is needed for a slide but the library cannot be loaded on this machine; the message
 * names the library and how to install it. Unchecked: it is a property of the machine, not of one
 * slide, so going on with other vendor slides is pointless.
 */
public final class OpenSlideUnavailableException extends IllegalStateException {

  OpenSlideUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
