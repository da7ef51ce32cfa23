package org.pathlens.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the embeddings of marked tiles out of an index, to keep with a {@link SavedClassifier}. */
public final class ClassifierExamples {

  private ClassifierExamples() {}

  /**
   * The tiles {@code tileIds} with copies of their embeddings as searches see them (after any batch
   * correction, as every tile a classifier scores is), in the order given, repeats dropped.
   *
   * @throws IllegalArgumentException naming the ids the index does not hold
   */
  public static List<SavedClassifier.Example> read(TileIndex index, List<String> tileIds)
      throws IOException {
    Map<String, float[]> found = new LinkedHashMap<>();
    for (String id : tileIds) {
      found.putIfAbsent(id, null);
    }
    for (String id : List.copyOf(found.keySet())) {
      index.forEachTile(TileFilter.id(id), t -> found.put(id, t.embedding().clone()));
    }
    List<String> missing = new ArrayList<>();
    List<SavedClassifier.Example> examples = new ArrayList<>();
    found.forEach(
        (id, embedding) -> {
          if (embedding == null) {
            missing.add(id);
          } else {
            examples.add(new SavedClassifier.Example(id, embedding));
          }
        });
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "index " + index.location() + " holds no tile " + String.join(", ", missing));
    }
    return examples;
  }
}
