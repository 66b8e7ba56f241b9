package dev.kiln.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of Kiln's modules, checked on the compiled main classes of every module (the CLI's
 * test classpath holds them all): no package cycle anywhere under dev.kiln; plugins compile against
 * framework/api and framework/dataset only and not against each other; framework/api depends on nothing else of Kiln,
 * framework/dataset on framework/api only.
 * Maven's dependencies already keep most modules apart; these rules catch what they cannot: cycles
 * between packages of one module, and a plugin pom that gains a dependency it should not have.
 */
class LayeringTest {
  static final List<String> PLUGINS = List.of("tribuo", "tune", "mlflow", "dvc", "deploy", "data", "stats");
  /** What a plugin must not see: everything of Kiln but framework/api and framework/dataset. */
  static final String[] FRAMEWORK = {"dev.kiln.engine..", "dev.kiln.registry..", "dev.kiln.serve..", "dev.kiln.ci..", "dev.kiln.cli.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importKiln() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.kiln");
  }

  @Test
  void everyModuleIsOnTheClasspathSoTheRulesSeeIt() {
    for (String p : List.of("api", "dataset", "registry", "engine", "serve", "ci", "cli", "tribuo", "tune", "mlflow", "dvc", "deploy", "data", "stats")) {
      assertThat(classes.containPackage("dev.kiln." + p)).as("classes of dev.kiln.%s imported", p).isTrue();
    }
  }

  @Test
  void noPackageCycleAnywhere() {
    slices().matching("dev.kiln.(**)").namingSlices("dev.kiln.$1").should().beFreeOfCycles()
        .because("a cycle between packages makes them one unit; move the shared type down or invert the dependency")
        .check(classes);
  }

  @Test
  void pluginsImportNothingOfKilnButTheApi() {
    noClasses().that().resideInAnyPackage(plugins()).should().dependOnClassesThat().resideInAnyPackage(FRAMEWORK)
        .because("plugins compile against framework/api (StepType, StepContext, ModelRuntime, ...) and framework/dataset (the dataset format and reader) only")
        .check(classes);
  }

  // plugins/deploy reaches models only through ModelRuntime and ModelCard, so a DJL or Spark model
  // passes the same gate
  @Test
  void aPluginImportsNoOtherPlugin() {
    pluginsImportNoOtherPlugin().check(classes);
  }

  /** One rule per plugin, so a failure names the plugin and each offending dependency. */
  static ArchRule pluginsImportNoOtherPlugin() {
    List<ArchRule> rules = new ArrayList<>();
    for (String p : PLUGINS) {
      String[] others = PLUGINS.stream().filter(o -> !o.equals(p)).map(o -> "dev.kiln." + o + "..").toArray(String[]::new);
      rules.add(noClasses().that().resideInAPackage("dev.kiln." + p + "..").should().dependOnClassesThat().resideInAnyPackage(others)
          .as("plugin dev.kiln." + p + " should import no other plugin (" + String.join(", ", Arrays.asList(others)) + ")")
          .because("plugins are installed independently and share only framework/api and framework/dataset"));
    }
    return CompositeArchRule.of(rules);
  }

  @Test
  void theApiDependsOnNothingElseOfKiln() {
    noClasses().that().resideInAPackage("dev.kiln.api..").should()
        .dependOnClassesThat(resideInAPackage("dev.kiln..").and(resideOutsideOfPackage("dev.kiln.api..")))
        .because("framework/api is the contract plugins compile against; it must stand alone")
        .check(classes);
  }

  // the data plane every table-reading plugin shares (Parquet datasets, the one reader); the Tribuo
  // steps and the data steps read the same files through it
  @Test
  void theDatasetLibraryDependsOnTheApiOnly() {
    noClasses().that().resideInAPackage("dev.kiln.dataset..").should()
        .dependOnClassesThat(resideInAPackage("dev.kiln..").and(resideOutsideOfPackage("dev.kiln.api..")).and(resideOutsideOfPackage("dev.kiln.dataset..")))
        .because("framework/dataset sits beside framework/api under the plugins; it must not reach the engine or a plugin")
        .check(classes);
  }

  private static String[] plugins() {
    return PLUGINS.stream().map(p -> "dev.kiln." + p + "..").toArray(String[]::new);
  }
}
