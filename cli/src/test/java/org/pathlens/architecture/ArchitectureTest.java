package org.pathlens.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.cli.PathLens;

/**
 * The module structure, checked on the compiled production classes of every module: data flows
 * encoders → slides → index → prompts → server; eval and bench sit beside the flow; the command
 * line sits on top; the synthetic generator (fixtures) serves tests, the command line (demo,
 * generate, and generated datasets handed to eval) and the benchmarks' inputs, never the library
 * modules. An import against these rules fails the build.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importProductionClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pathlens");
  }

  static LayeredArchitecture modules() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("fixtures")
        .definedBy("org.pathlens.fixtures..")
        .layer("encoders")
        .definedBy("org.pathlens.encoders..")
        .layer("slides")
        .definedBy("org.pathlens.slides..")
        .layer("index")
        .definedBy("org.pathlens.index..")
        .layer("prompts")
        .definedBy("org.pathlens.prompts..")
        .layer("server")
        .definedBy("org.pathlens.server..")
        .layer("eval")
        .definedBy("org.pathlens.eval..")
        .layer("bench")
        .definedBy("org.pathlens.bench..")
        .layer("cli")
        .definedBy("org.pathlens.cli..");
  }

  @Test
  void modulesDependOnlyOnTheStagesBeforeThem() {
    ArchRule rule =
        modules()
            .whereLayer("encoders")
            .mayOnlyBeAccessedByLayers(
                "slides", "index", "prompts", "server", "eval", "bench", "cli")
            .whereLayer("slides")
            .mayOnlyBeAccessedByLayers("index", "prompts", "server", "eval", "bench", "cli")
            .whereLayer("index")
            .mayOnlyBeAccessedByLayers("prompts", "server", "eval", "bench", "cli")
            .whereLayer("prompts")
            .mayOnlyBeAccessedByLayers("server", "eval", "bench", "cli")
            .whereLayer("server")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("eval")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("bench")
            .mayOnlyBeAccessedByLayers("cli")
            .whereLayer("cli")
            .mayNotBeAccessedByAnyLayer();
    rule.check(classes);
  }

  @Test
  void theGeneratorNeverReachesTheProductionPath() {
    modules()
        .whereLayer("fixtures")
        .mayOnlyBeAccessedByLayers("eval", "bench", "cli")
        .check(classes);
  }

  @Test
  void theServerDependsOnNothingOfEvaluationBenchmarksOrTheCommandLine() {
    noClasses()
        .that()
        .resideInAPackage("org.pathlens.server..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.pathlens.eval..",
            "org.pathlens.bench..",
            "org.pathlens.cli..",
            "org.pathlens.fixtures..")
        .check(classes);
  }

  /** Test support is for tests: no production class of any module uses it. */
  @Test
  void nothingInProductionUsesTheTestKit() {
    noClasses()
        .that()
        .resideOutsideOfPackage("org.pathlens.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.pathlens.testkit..")
        .check(classes);
  }

  @Test
  void theEncodersStandAlone() {
    noClasses()
        .that()
        .resideInAPackage("org.pathlens.encoders..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.pathlens.slides..",
            "org.pathlens.index..",
            "org.pathlens.prompts..",
            "org.pathlens.server..",
            "org.pathlens.eval..",
            "org.pathlens.bench..",
            "org.pathlens.cli..",
            "org.pathlens.fixtures..")
        .check(classes);
  }

  /**
   * The index contract never names a backend, and nothing outside a backend's package does: a
   * backend is found through {@code TileIndexBackend} by where {@code --index} points.
   */
  @Test
  void backendsAreReachedOnlyThroughTheIndexContract() {
    for (String backend :
        List.of("org.pathlens.index.lucene..", "org.pathlens.index.opensearch..")) {
      noClasses()
          .that()
          .resideOutsideOfPackage(backend)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(backend)
          .because("backends are found through TileIndexBackend, never named")
          .check(classes);
    }
    noClasses()
        .that()
        .resideInAPackage("org.pathlens.index.lucene..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.pathlens.index.opensearch..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.pathlens.index.opensearch..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.pathlens.index.lucene..")
        .check(classes);
  }

  /**
   * The same rule over every source file, tests included (which ArchUnit does not see from here):
   * outside a backend's own folders no file imports it or names its index class.
   */
  @Test
  void noSourceFileOutsideABackendNamesIt() throws IOException {
    Path root = Path.of(System.getProperty("pathlens.root"));
    Pattern named =
        Pattern.compile(
            "org\\.pathlens\\.index\\.(lucene|opensearch)\\.|\\b(LuceneTileIndex|OpenSearchTileIndex)\\b");
    Pattern instanceOfIndex = Pattern.compile("instanceof\\s+[\\w.]*TileIndex\\b");
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !f.toString().contains("/target/"))
              .filter(f -> !f.endsWith("ArchitectureTest.java")) // its patterns name them
              .toList()) {
        String path = root.relativize(file).toString();
        boolean inBackend =
            path.matches("index/src/(main|test)/java/org/pathlens/index/(lucene|opensearch)/.*");
        String text = Files.readString(file);
        if (!inBackend && named.matcher(text).find()) {
          offenders.add(path + " names a backend");
        }
        if (instanceOfIndex.matcher(text).find()) {
          offenders.add(path + " tests a TileIndex's class");
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  /**
   * Libraries log through slf4j or print to a writer they are given, and commands print through
   * picocli's out and err; only the launcher's main names the process's streams. In-process tests
   * can then capture a run without swapping System.out and System.err.
   */
  @Test
  void onlyTheLauncherTouchesTheStandardStreams() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(PathLens.class.getName())
        .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
        .check(classes);
  }

  @Test
  void modulesAreFreeOfCycles() {
    slices().matching("org.pathlens.(*)..").should().beFreeOfCycles().check(classes);
  }
}
