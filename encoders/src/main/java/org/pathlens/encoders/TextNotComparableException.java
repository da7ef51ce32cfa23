package org.pathlens.encoders;

import java.nio.file.Path;
import org.pathlens.encoders.bundle.BundleException;

/**
 * Text was asked of a bundle whose image embeddings are not in the text space ({@code
 * image.feature: "pre-projection"}): a text-to-image cosine there would be a number without
 * meaning, so none is computed.
 */
public final class TextNotComparableException extends BundleException {

  /** What a client is told, without the server's paths. */
  public static final String REASON =
      "this model's image embeddings are pre-projection features, not in the text space: text"
          + " search, prompts and zero-shot are not available with it (image search, similar"
          + " cases and few-shot are)";

  TextNotComparableException(Path modelJson) {
    super(
        modelJson,
        "image.feature is \"pre-projection\": "
            + REASON
            + "; export with --image-feature projected for text");
  }
}
