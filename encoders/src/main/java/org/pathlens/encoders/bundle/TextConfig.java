package org.pathlens.encoders.bundle;

import java.util.List;

/**
 * The text half of {@code model.json}.
 *
 * @param contextLength every prompt is padded or truncated to this many tokens
 * @param inputs the tensors the text encoder takes, in order: {@code ["input_ids"]} or {@code
 *     ["input_ids", "attention_mask"]}
 * @param padId the token id used for padding
 */
public record TextConfig(int contextLength, List<String> inputs, long padId) {

  public boolean takesAttentionMask() {
    return inputs.contains("attention_mask");
  }
}
