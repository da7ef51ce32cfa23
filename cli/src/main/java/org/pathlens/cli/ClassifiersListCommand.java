package org.pathlens.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.TileIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pathlens classifiers list}: one line per saved classifier. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List the classifiers saved with an index.",
    description =
        "One JSON line per classifier saved with the index, by name: name, method, classes, how"
            + " many relevant and not-relevant tiles, prompt, model, created and updated (as GET"
            + " /api/classifiers lists them). No model is loaded.",
    footer = {"%nExample:", "  ./pathlens classifiers list --index /tmp/pl/idx"})
final class ClassifiersListCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin IndexOption index;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (TileIndex tiles =
        index.location.openForSearch(index.existingProvenance(), IndexSettings.defaults())) {
      List<SavedClassifier> all = tiles.classifiers().list();
      for (SavedClassifier saved : all) {
        out.println(saved.describe(false));
      }
      spec.commandLine()
          .getErr()
          .println("pathlens classifiers: " + all.size() + " saved with index " + index.location);
    }
    return 0;
  }
}
