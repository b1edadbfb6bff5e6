package dev.spool;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The package layering of DESIGN.md as a test: data flows from the API through the features and the shared media
 * job steps to the task engine and on down to the database, storage and media, never back up. The wiring in
 * {@code cli} sits above everything; the small shared packages (config, json, error, crypto, concurrent) are
 * usable from anywhere and use nothing above them.
 */
class ArchitectureTest {
    private static final String[] FEATURES = {
        "dev.spool.asset..", "dev.spool.transcode..", "dev.spool.access..", "dev.spool.webhook..", "dev.spool.upload.."
    };

    /** What operators watch: the cluster's agreement and its workers, metrics. */
    private static final String[] OPERATIONS = {"dev.spool.cluster..", "dev.spool.metrics.."};

    static JavaClasses spool;

    @BeforeAll
    static void importMainClasses() {
        spool = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.spool");
    }

    @Test
    void dependenciesPointDownTheLayers() {
        ArchRule layers = layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Wiring")
                .definedBy("dev.spool.cli..", "dev.spool.launcher..")
                .layer("Api")
                .definedBy("dev.spool.api..")
                .layer("Operations")
                .definedBy(OPERATIONS)
                .layer("Features")
                .definedBy(FEATURES)
                .layer("MediaJob")
                .definedBy("dev.spool.mediajob..")
                .layer("Engine")
                .definedBy("dev.spool.task..")
                .layer("Accounts")
                .definedBy("dev.spool.account..")
                .layer("Foundation")
                .definedBy(
                        "dev.spool.db..",
                        "dev.spool.storage..",
                        "dev.spool.media..",
                        "dev.spool.ipfs..",
                        "dev.spool.c2pa..")
                .layer("Shared")
                .definedBy(
                        "dev.spool.config..",
                        "dev.spool.json..",
                        "dev.spool.error..",
                        "dev.spool.crypto..",
                        "dev.spool.concurrent..")
                .whereLayer("Wiring")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Api")
                .mayOnlyBeAccessedByLayers("Wiring")
                .whereLayer("Operations")
                .mayOnlyBeAccessedByLayers("Wiring", "Api")
                .whereLayer("Features")
                .mayOnlyBeAccessedByLayers("Wiring", "Api", "Operations")
                .whereLayer("MediaJob")
                .mayOnlyBeAccessedByLayers("Wiring", "Features")
                .whereLayer("Engine")
                .mayOnlyBeAccessedByLayers("Wiring", "Api", "Operations", "Features", "MediaJob")
                .whereLayer("Accounts")
                .mayOnlyBeAccessedByLayers("Wiring", "Api", "Operations", "Features", "MediaJob", "Engine")
                .whereLayer("Foundation")
                .mayOnlyBeAccessedByLayers("Wiring", "Api", "Operations", "Features", "MediaJob", "Engine", "Accounts");
        layers.check(spool);
    }

    @Test
    void everyPackageHasItsPlaceInTheLayers() {
        classes()
                .should()
                .resideInAnyPackage(
                        "dev.spool.cli..",
                        "dev.spool.launcher..",
                        "dev.spool.api..",
                        "dev.spool.cluster..",
                        "dev.spool.metrics..",
                        "dev.spool.asset..",
                        "dev.spool.transcode..",
                        "dev.spool.access..",
                        "dev.spool.webhook..",
                        "dev.spool.upload..",
                        "dev.spool.mediajob..",
                        "dev.spool.task..",
                        "dev.spool.account..",
                        "dev.spool.db..",
                        "dev.spool.storage..",
                        "dev.spool.media..",
                        "dev.spool.ipfs..",
                        "dev.spool.c2pa..",
                        "dev.spool.config..",
                        "dev.spool.json..",
                        "dev.spool.error..",
                        "dev.spool.crypto..",
                        "dev.spool.concurrent..")
                .because("a new package must be placed in the layers above, or its imports go unchecked")
                .check(spool);
    }

    @Test
    void noTwoPackagesDependOnEachOther() {
        slices().matching("dev.spool.(*)..").should().beFreeOfCycles().check(spool);
    }

    @Test
    void everyLoggerIsAPrivateStaticFinalFieldNamedLog() {
        fields().that()
                .haveRawType(Logger.class)
                .should()
                .bePrivate()
                .andShould()
                .beStatic()
                .andShould()
                .beFinal()
                .andShould()
                .haveName("log")
                .check(spool);
    }
}
