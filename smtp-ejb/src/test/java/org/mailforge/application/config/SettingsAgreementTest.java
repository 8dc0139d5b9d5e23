package org.mailforge.application.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import jakarta.resource.spi.ConfigProperty;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.ra.SmtpActivationSpec;
import org.mailforge.smtp.spi.ListenerSetting;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The SMTP listener's settings are declared once ({@link ListenerSetting}); server.xml, the
 * activation spec and the application's configuration must all follow that list.
 */
class SettingsAgreementTest {

    private static final Path SERVER_XML = Path.of("..", "liberty-config", "src", "main", "liberty", "config", "server.xml");

    private static Document serverXml() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(SERVER_XML.toFile());
    }

    private static ServerConfiguration load(Map<String, String> variables) {
        return ServerConfiguration.load(name -> Optional.ofNullable(variables.get(name)));
    }

    @Test
    void serverXmlDeclaresEverySettingWithItsDefault() throws Exception {
        Map<String, String> variables = new HashMap<>();
        NodeList nodes = serverXml().getElementsByTagName("variable");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element variable = (Element) nodes.item(i);
            variables.put(variable.getAttribute("name"), variable.getAttribute("defaultValue"));
        }
        for (ListenerSetting setting : ListenerSetting.values()) {
            assertTrue(variables.containsKey(setting.variable()), setting.variable() + " is not a server.xml variable");
            assertEquals(setting.bundledDefault(), variables.get(setting.variable()), "server.xml's default of " + setting.variable());
        }
    }

    /** The configuration table (docs/configuration.md) names every setting, and a row of one setting gives its default. */
    @Test
    void theReadmeTableAgrees() throws Exception {
        java.util.List<String> rows = java.nio.file.Files.readAllLines(Path.of("..", "docs", "configuration.md")).stream()
                .filter(line -> line.startsWith("| `SMTP_")).toList();
        for (ListenerSetting setting : ListenerSetting.values()) {
            String single = "| `" + setting.variable() + "` | ";
            Optional<String> own = rows.stream().filter(row -> row.startsWith(single)).findFirst();
            if (own.isPresent()) {
                String documented = own.get().substring(single.length(), own.get().indexOf(" |", single.length()));
                if (setting.defaultValue().equals(setting.bundledDefault())) {
                    assertEquals(setting.defaultValue().isEmpty() ? "(empty)" : setting.defaultValue(), documented,
                            "docs/configuration.md's default of " + setting.variable());
                }
            } else {
                assertTrue(rows.stream().anyMatch(row -> row.contains("`" + setting.variable() + "`")),
                        setting.variable() + " is not in docs/configuration.md");
            }
        }
    }

    @Test
    void serverXmlHandsEverySettingToItsActivationSpecProperty() throws Exception {
        Element properties = (Element) serverXml().getElementsByTagName("properties.smtp-ear.smtp-resource-adapter").item(0);
        Map<String, String> given = new TreeMap<>();
        NamedNodeMap attributes = properties.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            given.put(attributes.item(i).getNodeName(), attributes.item(i).getNodeValue());
        }
        Map<String, String> expected = Arrays.stream(ListenerSetting.values())
                .collect(Collectors.toMap(ListenerSetting::property, s -> "${" + s.variable() + "}", (a, b) -> a, TreeMap::new));
        assertEquals(expected, given);
    }

    @Test
    void theActivationSpecHasOneStringPropertyPerSetting() throws Exception {
        Set<String> configured = new TreeSet<>();
        for (PropertyDescriptor property : Introspector.getBeanInfo(SmtpActivationSpec.class).getPropertyDescriptors()) {
            if (property.getWriteMethod() != null && property.getWriteMethod().isAnnotationPresent(ConfigProperty.class)) {
                assertEquals(String.class, property.getPropertyType(), property.getName());
                configured.add(property.getName());
            }
        }
        assertEquals(Arrays.stream(ListenerSetting.values()).map(ListenerSetting::property).collect(Collectors.toCollection(TreeSet::new)),
                configured);
    }

    @Test
    void theActivationSpecAndTheConfigurationReadAValueAlike() throws Exception {
        // "yes" is true and a blank value is the default, for the adapter as for the application
        SmtpActivationSpec spec = new SmtpActivationSpec();
        spec.setAuthRequired("no");
        spec.setRelayEnabled("yes");
        spec.setPort(" ");
        spec.validate();
        ServerConfiguration config = load(Map.of("SMTP_ENABLE_AUTH", "no", "SMTP_PORT", " "));
        assertEquals(ListenerSetting.PORT.defaultValue(), spec.getPort());
        assertEquals(Integer.parseInt(spec.getPort()), config.port());
        assertFalse(config.authEnabled());
        assertFalse(ListenerSetting.AUTH_REQUIRED.bool(spec.getAuthRequired()));
        assertTrue(ListenerSetting.RELAY_ENABLED.bool(spec.getRelayEnabled()));
    }

    @Test
    void bothRefuseTheSameValueNamingTheVariable() {
        SmtpActivationSpec spec = new SmtpActivationSpec();
        spec.setMaxConnections("0");
        spec.setRateLimitExempt("10.0.0.0/33");
        Exception adapter = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, spec::validate);
        Exception application = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("SMTP_MAX_CONNECTIONS", "0", "SMTP_RATE_LIMIT_EXEMPT", "10.0.0.0/33")));
        for (String variable : new String[] {"SMTP_MAX_CONNECTIONS", "SMTP_RATE_LIMIT_EXEMPT"}) {
            assertTrue(adapter.getMessage().contains(variable), adapter.getMessage());
            assertTrue(application.getMessage().contains(variable), application.getMessage());
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
