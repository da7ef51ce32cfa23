package org.pathlens.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.TileIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pathlens classifiers delete NAME}: removes a saved classifier. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    header = "Delete a classifier saved with an index.",
    description =
        "Deletes the saved classifier (its examples and prompt); the index's tiles are untouched."
            + " No model is loaded.",
    footer = {"%nExample:", "  ./pathlens classifiers delete tumor --index /tmp/pl/idx"})
final class ClassifiersDeleteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin IndexOption index;

  @Parameters(index = "0", paramLabel = "NAME", description = "The classifier's name.")
  String name;

  @Override
  public Integer call() throws Exception {
    try (TileIndex tiles =
        index.location.openForSearch(index.existingProvenance(), IndexSettings.defaults())) {
      existing(tiles, name);
      tiles.classifiers().delete(name);
      spec.commandLine()
          .getOut()
          .println("deleted classifier '" + name + "' from index " + index.location);
    }
    return 0;
  }

  /**
   * @throws IllegalArgumentException naming the classifiers there are when none has that name
   */
  static SavedClassifier existing(TileIndex index, String name) throws IOException {
    SavedClassifier.checkName(name);
    return index
        .classifiers()
        .find(name)
        .orElseThrow(
            () -> {
              List<String> names;
              try {
                names = index.classifiers().names();
              } catch (IOException e) {
                names = List.of();
              }
              return new IllegalArgumentException(
                  "index "
                      + index.location()
                      + " has no saved classifier '"
                      + name
                      + "'; it has "
                      + (names.isEmpty() ? "none" : String.join(", ", names)));
            });
  }
}
