package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.settings.ListenerSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * The activation spec has one property per listener setting of the catalogue and reads a value
 * exactly as the application's {@link SettingsReader} does: same default, same rule, same words.
 */
class ActivationSpecSettingsTest {

    @Test
    void oneStringPropertyPerListenerSetting() throws Exception {
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
    void theSpecAndTheApplicationReadAValueAlike() throws Exception {
        // "yes" is true and a blank value is the default (server.xml hands an empty one), for both
        SmtpActivationSpec spec = new SmtpActivationSpec();
        spec.setAuthRequired("no");
        spec.setRelayEnabled("yes");
        spec.setPort(" ");
        spec.validate();
        SettingsReader application = reader(Map.of("SMTP_ENABLE_AUTH", "no", "SMTP_ALLOW_AUTHENTICATED_RELAY", "yes", "SMTP_PORT", " "));
        assertEquals(2525, spec.port(org.mailforge.smtp.spi.ListenerKind.SMTP));
        assertEquals(2525, application.integer(ListenerSetting.PORT));
        assertFalse(application.bool(ListenerSetting.AUTH_REQUIRED));
        assertFalse(ListenerSetting.AUTH_REQUIRED.bool(spec.getAuthRequired()));
        assertTrue(application.bool(ListenerSetting.RELAY_ENABLED));
        assertTrue(ListenerSetting.RELAY_ENABLED.bool(spec.getRelayEnabled()));
        assertEquals(Set.of(), Set.copyOf(application.problems()));
    }

    @Test
    void bothRefuseTheSameValueNamingTheVariable() {
        SmtpActivationSpec spec = new SmtpActivationSpec();
        spec.setMaxConnections("0");
        spec.setRateLimitExempt("10.0.0.0/33");
        InvalidPropertyException adapter = assertThrows(InvalidPropertyException.class, spec::validate);
        SettingsReader application = reader(Map.of("SMTP_MAX_CONNECTIONS", "0", "SMTP_RATE_LIMIT_EXEMPT", "10.0.0.0/33"));
        assertEquals(100, application.integer(ListenerSetting.MAX_CONNECTIONS), "an invalid value reads as the default");
        application.text(ListenerSetting.RATE_LIMIT_EXEMPT);
        for (String variable : new String[] {"SMTP_MAX_CONNECTIONS", "SMTP_RATE_LIMIT_EXEMPT"}) {
            assertTrue(adapter.getMessage().contains(variable), adapter.getMessage());
            assertTrue(application.problems().stream().anyMatch(problem -> problem.startsWith(variable + " must")), application.problems().toString());
        }
    }

    private static SettingsReader reader(Map<String, String> variables) {
        return new SettingsReader(name -> Optional.ofNullable(variables.get(name)));
    }
}
