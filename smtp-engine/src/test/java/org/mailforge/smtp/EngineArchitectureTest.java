package org.mailforge.smtp;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

/**
 * The SMTP engine is plain Java over two byte streams (as SubEthaSMTP's session): no Jakarta API
 * is on this library's class path, so its use is a compile error, and the SPI the application
 * implements stands alone, naming nothing of the engine's but its own types.
 */
class EngineArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mailforge.smtp");

    static final ArchRule SPI_STANDS_ALONE = noClasses().that().resideInAPackage("org.mailforge.smtp.spi..")
            .should().dependOnClassesThat(resideInAPackage("org.mailforge..").and(not(resideInAPackage("org.mailforge.smtp.spi.."))))
            .because("the application implements the SPI; the engine's limits, sessions and client stay the engine's");

    @Test
    void theSpiStandsAlone() {
        SPI_STANDS_ALONE.check(ENGINE);
    }

    @Test
    void aDeliberateViolationFails() {
        JavaClasses violating = new ClassFileImporter().importClasses(org.mailforge.smtp.spi.architecture.UsesTheLimiter.class);
        assertThrows(AssertionError.class, () -> SPI_STANDS_ALONE.check(violating));
    }

    /** Neither the JCA API nor the adapter's glue can be used here: the library compiles without them. */
    @Test
    void noJakartaApiAndNoAdapterOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("jakarta.resource.spi.ResourceAdapter"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.mailforge.smtp.ra.SmtpResourceAdapter"));
    }
}
