package org.pathlens.cli;

import java.util.concurrent.Callable;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.TileIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pathlens classifiers show NAME}: one saved classifier with its examples. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    header = "Show a saved classifier and its example tiles.",
    description =
        "Prints the classifier as JSON (as GET /api/classifiers/{name} answers): what list prints,"
            + " with the ids of its relevant and not-relevant tiles. No model is loaded.",
    footer = {"%nExample:", "  ./pathlens classifiers show tumor --index /tmp/pl/idx"})
final class ClassifiersShowCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin IndexOption index;

  @Parameters(index = "0", paramLabel = "NAME", description = "The classifier's name.")
  String name;

  @Override
  public Integer call() throws Exception {
    try (TileIndex tiles =
        index.location.openForSearch(index.existingProvenance(), IndexSettings.defaults())) {
      SavedClassifier saved = ClassifiersDeleteCommand.existing(tiles, name);
      spec.commandLine().getOut().println(saved.describe(true).toPrettyString());
    }
    return 0;
  }
}
