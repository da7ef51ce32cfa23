package org.pathlens.prompts;

import java.nio.file.Path;

/** A prompt set that cannot be used; the message names the file (or built-in set) and the place. */
public final class PromptSetException extends IllegalArgumentException {

  public PromptSetException(Path file, String problem) {
    this(file.toString(), problem);
  }

  /**
   * @param source what was read: a file, or {@code built-in prompt set NAME}
   */
  public PromptSetException(String source, String problem) {
    super(source + ": " + problem);
  }
}
