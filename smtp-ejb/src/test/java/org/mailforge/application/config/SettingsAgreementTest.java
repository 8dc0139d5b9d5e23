package org.mailforge.application.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.settings.OperationsSetting;
import org.mailforge.smtp.settings.OutboundSetting;
import org.mailforge.smtp.settings.ScanningSetting;
import org.mailforge.smtp.settings.Setting;
import org.mailforge.smtp.settings.StorageSetting;
import org.mailforge.smtp.settings.TrustSetting;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The application's configuration follows the settings catalogue (whose own test holds
 * server.xml and docs/configuration.md to it; the adapter's test its activation spec), and the
 * shipped JVM options are the test server's.
 */
class SettingsAgreementTest {

    private static final Path SERVER_XML = Path.of("..", "liberty-config", "src", "main", "liberty", "config", "server.xml");

    private static Document serverXml() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(SERVER_XML.toFile());
    }

    private static ServerConfiguration load(Map<String, String> variables) {
        return ServerConfiguration.load(name -> Optional.ofNullable(variables.get(name)));
    }

    /** Every enum the configuration turns a word into accepts exactly the words the catalogue's rule allows. */
    @Test
    void theCataloguesChoicesAreTheConfigurationsEnums() {
        assertWords(StorageSetting.STORAGE_TYPE, StorageConfiguration.StorageType.values());
        assertWords(OperationsSetting.LOG_LEVEL, AdminConfiguration.LogLevel.values());
        assertWords(TrustSetting.DMARC_POLICY, DmarcEnforcement.values());
        assertWords(TrustSetting.LOCAL_SPOOF_POLICY, TrustConfiguration.LocalSpoofPolicy.values());
        assertWords(ScanningSetting.SPAM_ACTION, ScanningConfiguration.SpamAction.values());
        assertWords(OutboundSetting.OUTBOUND_TLS, OutboundConfiguration.TlsPolicy.values());
    }

    private static void assertWords(Setting setting, Enum<?>[] values) {
        for (Enum<?> value : values) {
            assertEquals(Optional.empty(), setting.problem(value.name().toLowerCase(java.util.Locale.ROOT)), setting.variable());
        }
        assertTrue(setting.problem("none-of-these").isPresent(), setting.variable());
        assertEquals(values.length, setting.spec().rule().shown().split(", ").length, setting.variable() + ": " + setting.spec().rule().shown());
    }

    /** An invalid value stops the start naming the variable, whatever area the setting is in. */
    @Test
    void everyAreaNamesItsInvalidVariable() {
        InvalidConfigurationException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("SMTP_MAX_CONNECTIONS", "0", "SMTP_QUEUE_MAX_ATTEMPTS", "0", "SMTP_GREYLISTING", "maybe",
                        "SMTP_SPAM_ACTION", "drop", "SMTP_S3_PART_SIZE", "1", "SMTP_SEND_LIMIT_PER_HOUR", "-1",
                        "SMTP_HEALTH_PORT", "70000", "SMTP_DMARC_POLICY", "strict")));
        for (String variable : List.of("SMTP_MAX_CONNECTIONS", "SMTP_QUEUE_MAX_ATTEMPTS", "SMTP_GREYLISTING", "SMTP_SPAM_ACTION",
                "SMTP_S3_PART_SIZE", "SMTP_SEND_LIMIT_PER_HOUR", "SMTP_HEALTH_PORT", "SMTP_DMARC_POLICY")) {
            assertTrue(refused.getMessage().contains(variable + " must"), variable + " in " + refused.getMessage());
        }
    }

    /**
     * The shipped jvm.options holds nothing but JVM options, one collector among them, and the
     * integration tests' server, whose options in smtp-ear/pom.xml replace that file, runs every
     * one of them (plus its own compiler setting).
     */
    @Test
    void jvmOptionsAreOptionsAndTheTestServerRunsTheShippedOnes() throws Exception {
        java.util.List<String> shipped = java.nio.file.Files.readAllLines(SERVER_XML.resolveSibling("jvm.options")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertFalse(shipped.isEmpty());
        shipped.forEach(line -> assertTrue(line.matches("-\\S+"), "not one JVM option: " + line));
        Set<String> collectors = shipped.stream().filter(line -> line.matches("-XX:\\+Use\\w+GC")).collect(Collectors.toSet());
        assertEquals(1, collectors.size(), "one collector: " + shipped);

        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("..", "smtp-ear", "pom.xml").toFile());
        NodeList params = pom.getElementsByTagName("jvmOptions");
        Set<String> testServer = new TreeSet<>();
        for (int i = 0; i < params.getLength(); i++) {
            NodeList each = ((Element) params.item(i)).getElementsByTagName("param");
            for (int j = 0; j < each.getLength(); j++) {
                testServer.add(each.item(j).getTextContent().strip());
            }
        }
        assertTrue(testServer.containsAll(shipped), "the test server's options " + testServer + " lack some of " + shipped);
    }
}
