package org.pathlens.prompts;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.TextEncoder;

/**
 * The unit-norm embedding of every synonym × template prompt of a prompt set, kept apart so that
 * class embeddings can be recomputed without a template or a synonym (prompt ablation) without
 * running the text encoder again.
 *
 * @param prompts the prompt set
 * @param vectors {@code vectors[class][synonym][template]}, unit norm
 */
public record PromptEmbeddings(PromptSet prompts, float[][][][] vectors) {

  /** Embeds every prompt of {@code prompts} in one pass of {@code encoder}. */
  public static PromptEmbeddings encode(PromptSet prompts, TextEncoder encoder) {
    List<String> ids = prompts.classIds();
    List<String> texts = new ArrayList<>();
    ids.forEach(id -> texts.addAll(prompts.prompts(id)));
    List<float[]> flat = encoder.encode(texts);
    int templates = prompts.templates().size();
    float[][][][] vectors = new float[ids.size()][][][];
    int next = 0;
    for (int c = 0; c < ids.size(); c++) {
      int synonyms = prompts.classes().get(ids.get(c)).size();
      vectors[c] = new float[synonyms][templates][];
      for (int s = 0; s < synonyms; s++) {
        for (int t = 0; t < templates; t++) {
          vectors[c][s][t] = flat.get(next++); // prompts(id) is synonym-major, as here
        }
      }
    }
    return new PromptEmbeddings(prompts, vectors);
  }

  /** The CONCH class embeddings: per class, the L2-normalised mean of all its prompt embeddings. */
  public float[][] classEmbeddings() {
    float[][] out = new float[vectors.length][];
    for (int c = 0; c < vectors.length; c++) {
      out[c] = classEmbedding(c, s -> true, t -> true);
    }
    return out;
  }

  /** Class embeddings with template {@code template} left out of every class. */
  public float[][] withoutTemplate(int template) {
    float[][] out = new float[vectors.length][];
    for (int c = 0; c < vectors.length; c++) {
      out[c] = classEmbedding(c, s -> true, t -> t != template);
    }
    return out;
  }

  /** Class embeddings with synonym {@code synonym} of class {@code classIndex} left out. */
  public float[][] withoutSynonym(int classIndex, int synonym) {
    float[][] out = classEmbeddings();
    out[classIndex] = classEmbedding(classIndex, s -> s != synonym, t -> true);
    return out;
  }

  /** L2-normalised mean over the kept prompts of one class. */
  public float[] classEmbedding(
      int classIndex, IntPredicate keepSynonym, IntPredicate keepTemplate) {
    return classEmbedding(classIndex, (s, t) -> keepSynonym.test(s) && keepTemplate.test(t));
  }

  /** Which of a class's prompts go into its embedding, by synonym and template index. */
  @FunctionalInterface
  public interface PromptFilter {
    boolean keep(int synonym, int template);
  }

  /**
   * L2-normalised mean over the prompts of one class that {@code keep} keeps (prompt screening
   * keeps any subset of synonym × template pairs).
   */
  public float[] classEmbedding(int classIndex, PromptFilter keep) {
    float[][][] ofClass = vectors[classIndex];
    float[] mean = null;
    int kept = 0;
    for (int s = 0; s < ofClass.length; s++) {
      for (int t = 0; t < ofClass[s].length; t++) {
        if (!keep.keep(s, t)) {
          continue;
        }
        float[] v = ofClass[s][t];
        if (mean == null) {
          mean = new float[v.length];
        }
        for (int i = 0; i < v.length; i++) {
          mean[i] += v[i];
        }
        kept++;
      }
    }
    if (kept == 0) {
      throw new IllegalArgumentException(
          "class " + prompts.classIds().get(classIndex) + " has no prompt left after the ablation");
    }
    // Normalising the sum equals normalising the mean.
    return Embeddings.l2Normalize(mean);
  }
}
