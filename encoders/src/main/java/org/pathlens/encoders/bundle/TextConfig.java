package org.pathlens.encoders.bundle;

import java.util.List;
import org.pathlens.encoders.text.TextCleaning;

/**
 * The text half of {@code model.json}.
 *
 * @param contextLength every prompt is padded or truncated to this many tokens
 * @param inputs the tensors the text encoder takes, in order: {@code ["input_ids"]} or {@code
 *     ["input_ids", "attention_mask"]}
 * @param padId the token id used for padding
 * @param clean the model family's cleaning before the tokenizer ({@code text.clean}); {@link
 *     TextCleaning#NONE} where the bundle records none
 */
public record TextConfig(int contextLength, List<String> inputs, long padId, TextCleaning clean) {

  public boolean takesAttentionMask() {
    return inputs.contains("attention_mask");
  }
}
