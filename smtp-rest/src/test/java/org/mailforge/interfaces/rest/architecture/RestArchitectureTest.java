package org.mailforge.interfaces.rest.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

/**
 * The admin API and the web UI are interfaces: they call the application's services, never a
 * repository or store of the domain (what they may show goes through a use case, with its
 * checks), never the infrastructure behind it, and never the SMTP adapter's glue (its {@code ra}
 * and engine packages; the SPI is the adapter's contract).
 */
class RestArchitectureTest {

    private static final JavaClasses INTERFACES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("org.mailforge.interfaces.rest", "org.mailforge.interfaces.ui");

    /** What a resource injects is the application's: a domain type injected is a repository or store. */
    static final ArchRule INJECTS_APPLICATION_ONLY = noFields().that().areAnnotatedWith(jakarta.inject.Inject.class)
            .should().haveRawType(resideInAnyPackage("org.mailforge.domain..", "org.mailforge.infrastructure.."))
            .because("REST resources and the UI use application services, not repositories (Cargo Tracker's interfaces layer)");

    static final ArchRule NO_INFRASTRUCTURE = noClasses().should().dependOnClassesThat().resideInAPackage("org.mailforge.infrastructure..");

    static final ArchRule NO_ADAPTER_GLUE = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.mailforge.smtp.ra..", "org.mailforge.smtp.protocol..");

    @Test
    void resourcesInjectApplicationServicesOnly() {
        INJECTS_APPLICATION_ONLY.check(INTERFACES);
    }

    @Test
    void nothingReachesTheInfrastructure() {
        NO_INFRASTRUCTURE.check(INTERFACES);
    }

    @Test
    void nothingReachesTheAdaptersGlue() {
        NO_ADAPTER_GLUE.check(INTERFACES);
    }

    /** The API compiles against the engine library only: naming the adapter's glue is a compile error. */
    @Test
    void theAdaptersGlueIsNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.mailforge.smtp.ra.SmtpResourceAdapter"));
    }

    /** The rules can fail: a resource that injects a repository, or reads the adapter's glue, breaks them. */
    @Test
    void deliberateViolationsFail() {
        JavaClasses violating = new ClassFileImporter().importClasses(InjectsARepository.class);
        assertThrows(AssertionError.class, () -> INJECTS_APPLICATION_ONLY.check(violating));
        assertThrows(AssertionError.class, () -> NO_ADAPTER_GLUE.check(violating));
        assertThrows(AssertionError.class, () -> NO_INFRASTRUCTURE.check(violating));
    }

    /** What the rules exist to refuse. */
    static final class InjectsARepository {
        @jakarta.inject.Inject
        org.mailforge.domain.user.UserRepository users;

        Object glue() {
            return org.mailforge.smtp.protocol.SmtpSession.class;
        }

        Object infrastructure() {
            return org.mailforge.infrastructure.security.PasswordHasher.class;
        }
    }
}
