package org.pathlens.prompts;

import java.nio.file.Path;

/** A prompt-set file that cannot be used; the message names the file and the place. */
public final class PromptSetException extends IllegalArgumentException {

  public PromptSetException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
