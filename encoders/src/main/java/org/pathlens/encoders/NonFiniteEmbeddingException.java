package org.pathlens.encoders;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The model returned NaN or an infinity for some inputs. Such a vector is never returned: callers
 * that can go on without those inputs (ingest) take {@link #embeddings()}, which holds the finite
 * embeddings of the other inputs and null for the failed ones; everyone else reports the failure.
 */
public final class NonFiniteEmbeddingException extends EncoderException {

  /** How a skipped input is reported, after its name. */
  public static final String REASON =
      "the model produced a non-finite output (NaN or infinity); not embedded";

  private final List<Integer> failed;
  private final List<float[]> embeddings;

  /**
   * @param what the encoder (file) or caller context, for the message
   * @param failed positions of the inputs whose output was not finite, ascending
   * @param embeddings one entry per input: the unit embedding, or null at a failed position
   */
  public NonFiniteEmbeddingException(String what, List<Integer> failed, List<float[]> embeddings) {
    super(
        what
            + ": the model produced a non-finite output (NaN or infinity) for "
            + describe(failed, embeddings.size())
            + "; such a result is never stored or served");
    this.failed = List.copyOf(failed);
    this.embeddings = Collections.unmodifiableList(new ArrayList<>(embeddings));
  }

  /** Positions (in the encoded list) of the inputs without a finite embedding. */
  public List<Integer> failed() {
    return failed;
  }

  /** The finite embeddings of the other inputs, null at each {@link #failed()} position. */
  public List<float[]> embeddings() {
    return embeddings;
  }

  /** True when every value of {@code v} is finite. */
  public static boolean isFinite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Throws when any of {@code embeddings} (one per input) is missing (null) or not finite.
   *
   * @param what the encoder or caller, for the message
   */
  public static List<float[]> requireFinite(String what, List<float[]> embeddings) {
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < embeddings.size(); i++) {
      if (embeddings.get(i) == null || !isFinite(embeddings.get(i))) {
        failed.add(i);
      }
    }
    if (failed.isEmpty()) {
      return embeddings;
    }
    List<float[]> finite = new ArrayList<>(embeddings);
    failed.forEach(i -> finite.set(i, null));
    throw new NonFiniteEmbeddingException(what, failed, finite);
  }

  private static String describe(List<Integer> failed, int total) {
    if (total == 1) {
      return "its input";
    }
    List<Integer> shown = failed.subList(0, Math.min(5, failed.size()));
    StringBuilder text = new StringBuilder(failed.size() == 1 ? "input " : "inputs ");
    for (int i = 0; i < shown.size(); i++) {
      text.append(i == 0 ? "" : ", ").append('#').append(shown.get(i) + 1);
    }
    if (failed.size() > shown.size()) {
      text.append(" and ").append(failed.size() - shown.size()).append(" more");
    }
    return text.append(" of ").append(total).toString();
  }
}
