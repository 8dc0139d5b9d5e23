package org.mailforge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

/**
 * The layers, as in Eclipse Cargo Tracker: {@code domain} (entities, repositories as interfaces),
 * {@code application} (services and the interfaces they need), {@code infrastructure} (JPA, files,
 * S3, daemons: implementations of those interfaces), {@code interfaces} (MDBs, REST, CLI).
 * Dependencies point inwards; the build fails when one does not.
 */
class ArchitectureTest {

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS) // this module's classes; what they use is resolved anyway
            .importPackages("org.mailforge.domain", "org.mailforge.application", "org.mailforge.infrastructure",
                    "org.mailforge.interfaces");

    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("domain").definedBy("org.mailforge.domain..")
            .layer("application").definedBy("org.mailforge.application..")
            .layer("infrastructure").definedBy("org.mailforge.infrastructure..")
            .layer("interfaces").definedBy("org.mailforge.interfaces..")
            .whereLayer("interfaces").mayNotBeAccessedByAnyLayer()
            .whereLayer("infrastructure").mayOnlyBeAccessedByLayers("interfaces")
            .whereLayer("application").mayOnlyBeAccessedByLayers("infrastructure", "interfaces")
            .whereLayer("domain").mayOnlyBeAccessedByLayers("application", "infrastructure", "interfaces");

    /**
     * The engine's sessions are its own: the server sees its SPI (and the client, the limits, the
     * settings) only. The adapter's JCA glue is not even on the class path (see below).
     */
    static final ArchRule ADAPTER_INSIDES = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("org.mailforge.smtp.ra..", "org.mailforge.smtp.protocol..");

    /** The domain knows neither the container's services nor the wire. */
    static final ArchRule PLAIN_DOMAIN = noClasses().that().resideInAPackage("org.mailforge.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.ejb..", "jakarta.jms..", "jakarta.ws.rs..",
                    "jakarta.servlet..", "org.eclipse.microprofile..");

    /** The application's use cases (its packages) do not lean on each other in a circle. */
    static final ArchRule NO_CYCLES_BETWEEN_USE_CASES = slices().matching("org.mailforge.application.(*)..").should().beFreeOfCycles();

    /** Every application class belongs to a use case (or to common, metrics, config): none lies at the root. */
    static final ArchRule NO_ROOT_OF_APPLICATION = noClasses().should().resideInAPackage("org.mailforge.application")
            .because("the application is packaged by use case, so the cycle rule sees every class");

    @Test
    void applicationClassesBelongToAUseCase() {
        NO_ROOT_OF_APPLICATION.check(SERVER);
    }

    @Test
    void applicationUseCasesHaveNoCycles() {
        NO_CYCLES_BETWEEN_USE_CASES.check(SERVER);
    }

    @Test
    void dependenciesPointInwards() {
        LAYERS.check(SERVER);
    }

    @Test
    void nothingReadsTheAdaptersInsides() {
        ADAPTER_INSIDES.check(SERVER);
    }

    /** The application compiles against the engine library only: naming the adapter's glue is a compile error. */
    @Test
    void theAdaptersGlueIsNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.mailforge.smtp.ra.SmtpResourceAdapter"));
    }

    @Test
    void theDomainIsPlain() {
        PLAIN_DOMAIN.check(SERVER);
    }

    /**
     * The rules can fail: an application class that uses an infrastructure class breaks them, two
     * use cases that use each other make a cycle, and reading the engine's sessions is refused.
     */
    @Test
    void deliberateViolationsFail() {
        JavaClasses violating = new ClassFileImporter().importClasses(
                org.mailforge.application.architecture.UsesInfrastructure.class,
                org.mailforge.infrastructure.security.PasswordHasher.class);
        assertThrows(AssertionError.class, () -> LAYERS.check(violating));
        JavaClasses circle = new ClassFileImporter().importClasses(org.mailforge.application.fixtureping.Ping.class,
                org.mailforge.application.fixturepong.Pong.class);
        assertThrows(AssertionError.class, () -> NO_CYCLES_BETWEEN_USE_CASES.check(circle));
        assertThrows(AssertionError.class, () -> ADAPTER_INSIDES.check(circle));
        assertThrows(AssertionError.class, () -> NO_ROOT_OF_APPLICATION.check(
                new ClassFileImporter().importClasses(org.mailforge.application.AtTheRoot.class)));
    }
}
