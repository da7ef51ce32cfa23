package org.pathlens.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module structure, checked on the compiled production classes of every module: data flows
 * encoders → slides → index → classify → api; eval and bench sit beside the flow; the command line
 * sits on top; the synthetic generator (fixtures) serves tests, the command line (demo, generate,
 * and generated datasets handed to eval) and the benchmarks' inputs, never the library modules. An
 * import against these rules fails the build.
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
        .layer("classify")
        .definedBy("org.pathlens.classify..")
        .layer("api")
        .definedBy("org.pathlens.api..")
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
            .mayOnlyBeAccessedByLayers("slides", "index", "classify", "api", "eval", "bench", "cli")
            .whereLayer("slides")
            .mayOnlyBeAccessedByLayers("index", "classify", "api", "eval", "bench", "cli")
            .whereLayer("index")
            .mayOnlyBeAccessedByLayers("classify", "api", "eval", "bench", "cli")
            .whereLayer("classify")
            .mayOnlyBeAccessedByLayers("api", "eval", "bench", "cli")
            .whereLayer("api")
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
  void theApiDependsOnNothingOfEvaluationBenchmarksOrTheCommandLine() {
    noClasses()
        .that()
        .resideInAPackage("org.pathlens.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.pathlens.eval..",
            "org.pathlens.bench..",
            "org.pathlens.cli..",
            "org.pathlens.fixtures..")
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
            "org.pathlens.classify..",
            "org.pathlens.api..",
            "org.pathlens.eval..",
            "org.pathlens.bench..",
            "org.pathlens.cli..",
            "org.pathlens.fixtures..")
        .check(classes);
  }

  @Test
  void modulesAreFreeOfCycles() {
    slices().matching("org.pathlens.(*)..").should().beFreeOfCycles().check(classes);
  }
}
