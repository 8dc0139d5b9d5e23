package org.mailforge.smtp;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.Test;

/**
 * The SMTP engine is plain Java over two byte streams (as SubEthaSMTP's session): the
 * {@code protocol} package knows no Jakarta API and not the JCA adapter around it, and the SPI the
 * application implements knows neither.
 */
class AdapterArchitectureTest {

    private static final JavaClasses ADAPTER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mailforge.smtp");

    static final ArchRule PLAIN_ENGINE = noClasses().that().resideInAnyPackage("org.mailforge.smtp.protocol..", "org.mailforge.smtp.spi..")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax.resource..", "org.mailforge.smtp.ra..");

    @Test
    void theEngineAndTheSpiArePlainJava() {
        PLAIN_ENGINE.check(ADAPTER);
    }

    @Test
    void aDeliberateViolationFails() {
        JavaClasses violating = new ClassFileImporter().importClasses(
                org.mailforge.smtp.protocol.architecture.UsesTheAdapter.class, org.mailforge.smtp.ra.AdapterStatisticsObject.class);
        assertThrows(AssertionError.class, () -> PLAIN_ENGINE.check(violating));
    }
}
