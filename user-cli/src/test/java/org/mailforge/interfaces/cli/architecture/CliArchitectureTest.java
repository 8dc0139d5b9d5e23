package org.mailforge.interfaces.cli.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

/**
 * user-cli works on the database with the server's own repositories and store factory (given
 * resource-local transactions): it implements none of the domain's repositories or stores itself,
 * and like every interface it reaches the engine's SPI at most, never its sessions or the adapter.
 */
class CliArchitectureTest {

    /** The CLI's classes, and the domain's (from the server's jar) so that what they implement is known. */
    private static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mailforge.interfaces.cli", "org.mailforge.domain");

    static final ArchRule NO_COPIES_OF_THE_DOMAINS_PORTS = noClasses().that().resideInAPackage("org.mailforge.interfaces.cli..")
            .should().implement(resideInAPackage("org.mailforge.domain.."))
            .because("one repository per aggregate and one store factory, shared with the server");

    static final ArchRule NO_ENGINE_INSIDES = noClasses().that().resideInAPackage("org.mailforge.interfaces.cli..").should().dependOnClassesThat()
            .resideInAnyPackage("org.mailforge.smtp.ra..", "org.mailforge.smtp.protocol..", "org.mailforge.interfaces.rest..");

    @Test
    void theCliHasNoRepositoryOrStoreOfItsOwn() {
        NO_COPIES_OF_THE_DOMAINS_PORTS.check(CLI);
    }

    @Test
    void theCliReachesNeitherTheEnginesSessionsNorTheApi() {
        NO_ENGINE_INSIDES.check(CLI);
    }

    /** What the rules exist to refuse: a repository of the CLI's own. */
    @Test
    void aDeliberateViolationFails() {
        JavaClasses violating = new ClassFileImporter().importClasses(OwnRepository.class,
                org.mailforge.domain.directory.DirectoryRepository.class);
        assertThrows(AssertionError.class, () -> NO_COPIES_OF_THE_DOMAINS_PORTS.check(violating));
        assertThrows(AssertionError.class, () -> NO_ENGINE_INSIDES.check(violating));
    }

    abstract static class OwnRepository implements org.mailforge.domain.directory.DirectoryRepository {

        Object session() {
            return org.mailforge.smtp.protocol.SmtpSession.class;
        }
    }
}
