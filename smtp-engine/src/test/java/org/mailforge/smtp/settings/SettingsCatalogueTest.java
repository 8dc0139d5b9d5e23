package org.mailforge.smtp.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The catalogue is the one place a setting is defined: the configuration reference is generated
 * from it, Liberty's configuration declares what it reads with the catalogue's defaults, and no
 * code of any module names a variable the catalogue does not have or reads one around it.
 */
class SettingsCatalogueTest {

    private static final Path ROOT = Path.of("..");
    private static final Path REFERENCE = ROOT.resolve("docs/configuration.md");
    private static final Path LIBERTY_CONFIG = ROOT.resolve("liberty-config/src/main/liberty/config");
    static final String BEGIN = "<!-- generated from the settings catalogue (smtp-engine: org.mailforge.smtp.settings): edit there -->";
    static final String END = "<!-- end of the generated part -->";

    @Test
    void everyVariableOnceEveryDefaultByItsOwnRule() {
        assertEquals(List.of(), SettingsCatalogue.duplicates());
        for (Setting setting : SettingsCatalogue.all()) {
            assertEquals(Optional.empty(), setting.problem(null), setting.variable() + "'s default breaks its rule");
        }
        assertTrue(SettingsCatalogue.all().size() > 100);
    }

    /** docs/configuration.md holds the catalogue's tables exactly; a changed catalogue writes the new page to target/. */
    @Test
    void theConfigurationReferenceIsGeneratedFromTheCatalogue() throws IOException {
        String page = Files.readString(REFERENCE);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/configuration.md lacks the markers " + BEGIN + " ... " + END);
        String expected = page.substring(0, begin + BEGIN.length()) + "\n" + SettingsCatalogue.reference() + "\n" + page.substring(end);
        if (!expected.equals(page)) {
            Path generated = Path.of("target", "configuration.md");
            Files.createDirectories(generated.getParent());
            Files.writeString(generated, expected);
            assertEquals(expected, page, "docs/configuration.md is not what the catalogue generates: cp smtp-engine/"
                    + generated + " docs/configuration.md");
        }
    }

    /**
     * Every SMTP_ variable Liberty's configuration declares is in the catalogue, with the
     * catalogue's bundled default; a listener setting without a bundled path has no default there
     * (the adapter applies the catalogue's); every bundled default is declared.
     */
    @Test
    void libertysConfigurationDeclaresTheCataloguesDefaults() throws Exception {
        Map<String, String> declared = new TreeMap<>();
        for (Path file : libertyConfigFiles()) {
            NodeList variables = parse(file).getElementsByTagName("variable");
            for (int i = 0; i < variables.getLength(); i++) {
                Element variable = (Element) variables.item(i);
                if (variable.getAttribute("name").startsWith("SMTP_")) {
                    assertFalse(variable.hasAttribute("value"), variable.getAttribute("name") + " is fixed in " + file + ", not defaulted");
                    declared.put(variable.getAttribute("name"), variable.getAttribute("defaultValue"));
                }
            }
        }
        for (Map.Entry<String, String> variable : declared.entrySet()) {
            Setting setting = SettingsCatalogue.find(variable.getKey())
                    .orElseThrow(() -> new AssertionError(variable.getKey() + " is declared in Liberty's configuration but not in the catalogue"));
            String bundled = setting.spec().bundledDefault();
            assertEquals(bundled == null ? "" : bundled, variable.getValue(), "the server.xml default of " + variable.getKey());
            assertTrue(bundled != null || setting.property() != null,
                    variable.getKey() + " is declared in server.xml without a bundled default in the catalogue");
        }
        for (Setting setting : SettingsCatalogue.all()) {
            if (setting.spec().bundledDefault() != null || setting.property() != null) {
                assertTrue(declared.containsKey(setting.variable()), setting.variable() + " is not declared in Liberty's configuration");
            }
        }
    }

    /** server.xml hands each listener setting to its activation-spec property, and nothing else. */
    @Test
    void serverXmlHandsEveryListenerSettingToItsProperty() throws Exception {
        Element properties = (Element) parse(LIBERTY_CONFIG.resolve("server.xml"))
                .getElementsByTagName("properties.smtp-ear.smtp-resource-adapter").item(0);
        Map<String, String> given = new TreeMap<>();
        NamedNodeMap attributes = properties.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            given.put(attributes.item(i).getNodeName(), attributes.item(i).getNodeValue());
        }
        Map<String, String> expected = SettingsCatalogue.all().stream().filter(s -> s.property() != null)
                .collect(Collectors.toMap(Setting::property, s -> "${" + s.variable() + "}", (a, b) -> a, TreeMap::new));
        assertEquals(expected, given);
        assertEquals(List.of(ListenerSetting.values()), SettingsCatalogue.all().stream().filter(s -> s.property() != null).toList(),
                "exactly the listener settings have an activation-spec property");
    }

    /**
     * No module names a variable the catalogue lacks, and none reads one around it (its own
     * MicroProfile Config or environment lookup, with its own default).
     */
    @Test
    void everyVariableTheCodeNamesIsInTheCatalogueAndReadThroughIt() throws IOException {
        Pattern name = Pattern.compile("SMTP_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_]*\\*)");
        Pattern around = Pattern.compile("(getOptionalValue|getValue|getenv|env\\.apply)\\(\\s*\"SMTP_");
        Set<String> unknown = new TreeSet<>();
        List<String> readAround = new ArrayList<>();
        for (Path file : mainSources()) {
            String text = Files.readString(file);
            Matcher names = name.matcher(text);
            while (names.find()) {
                if (SettingsCatalogue.find(names.group()).isEmpty()) {
                    unknown.add(names.group() + " (" + ROOT.relativize(file) + ")");
                }
            }
            if (around.matcher(text).find()) {
                readAround.add(ROOT.relativize(file).toString());
            }
        }
        assertEquals(Set.of(), unknown, "variables named in the code but missing from the catalogue");
        assertEquals(List.of(), readAround, "files that read an SMTP_ variable around the catalogue");
    }

    private static List<Path> mainSources() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String module : List.of("smtp-engine", "smtp-resource-adapter", "smtp-ejb", "smtp-rest", "user-cli", "liberty-config")) {
            Path main = ROOT.resolve(module).resolve("src/main");
            if (Files.isDirectory(main)) {
                try (Stream<Path> walk = Files.walk(main)) {
                    walk.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.(java|xml|properties|sql|html|js)$"))
                            .forEach(files::add);
                }
            }
        }
        assertTrue(files.size() > 100, "the modules' sources are where this test expects them: " + files.size());
        return files;
    }

    private static List<Path> libertyConfigFiles() throws IOException {
        try (Stream<Path> files = Files.list(LIBERTY_CONFIG)) {
            return files.filter(file -> file.toString().endsWith(".xml")).sorted().toList();
        }
    }

    /**
     * SMTP_LOG_LEVEL is Liberty's: server.xml includes {@code logging-<level>.xml}, and every level the
     * catalogue allows has that file, setting the org.mailforge loggers to a Liberty level of that name.
     */
    @Test
    void everyLogLevelHasTheLoggingFileServerXmlIncludes() throws Exception {
        Map<String, String> liberty = Map.of("debug", "fine", "info", "info", "warn", "warning", "error", "severe");
        String shown = OperationsSetting.LOG_LEVEL.spec().rule().shown();
        assertEquals(liberty.keySet(), Set.of(shown.split(", ")), "the levels SMTP_LOG_LEVEL allows");
        for (Map.Entry<String, String> level : liberty.entrySet()) {
            Path file = LIBERTY_CONFIG.resolve("logging-" + level.getKey() + ".xml");
            assertTrue(Files.exists(file), file + " is missing");
            String trace = ((Element) parse(file).getElementsByTagName("logging").item(0)).getAttribute("traceSpecification");
            assertTrue(trace.contains("org.mailforge.*=" + level.getValue() + ":"), file + ": " + trace);
            assertTrue(trace.endsWith("org.apache.james.jspf.*=off"), file + ": " + trace);
        }
        assertTrue(Files.readString(LIBERTY_CONFIG.resolve("server.xml")).contains("<include location=\"${server.config.dir}/logging-${SMTP_LOG_LEVEL}.xml\"/>"));
    }

    /**
     * A variable that names a file Liberty includes is taken only as that file is named: a value
     * in another case (SMTP_LOG_LEVEL=WARN) would name no file, Liberty would skip the include
     * with a warning, and the application would start without what it brings.
     */
    @Test
    void aVariableThatNamesAnIncludedFileIsTakenOnlyInItsOwnCase() throws Exception {
        NodeList includes = parse(LIBERTY_CONFIG.resolve("server.xml")).getElementsByTagName("include");
        Set<String> named = new TreeSet<>();
        for (int i = 0; i < includes.getLength(); i++) {
            Matcher variable = Pattern.compile("\\$\\{(SMTP_[A-Z_]+)}").matcher(((Element) includes.item(i)).getAttribute("location"));
            while (variable.find()) {
                named.add(variable.group(1));
            }
        }
        assertEquals(Set.of("SMTP_ADMIN_CONSOLE", "SMTP_LOG_LEVEL", "SMTP_MESSAGING"), named);
        for (String name : named) {
            Setting setting = SettingsCatalogue.find(name).orElseThrow();
            String value = setting.spec().defaultValue();
            assertEquals(Optional.empty(), setting.problem(value), name + "=" + value);
            assertTrue(setting.problem(value.toUpperCase(java.util.Locale.ROOT)).isPresent(), name + " taken in upper case");
        }
    }

    private static Document parse(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }
}
