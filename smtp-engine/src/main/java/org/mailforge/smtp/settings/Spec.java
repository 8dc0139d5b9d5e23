package org.mailforge.smtp.settings;

/**
 * What the catalogue says of one setting.
 *
 * @param variable       the environment variable (and server.xml and MicroProfile Config name) an administrator sets
 * @param defaultValue   the value when it is not set; null when unset means "none" or a default computed from other settings
 * @param rule           how a value is checked
 * @param description    one line for the configuration reference (Markdown)
 * @param shownDefault   how the reference states the default when the value alone does not say it, or null
 * @param bundledDefault the default of its server.xml variable in the bundled server, or null when server.xml has none
 * @param property       the resource adapter's activation-spec property server.xml hands it to, or null
 * @param liberty        whether Liberty's own configuration (server.xml and its includes) reads it
 * @param secret         whether the value is a secret (never logged, never shown)
 */
public record Spec(String variable, String defaultValue, Rule rule, String description, String shownDefault,
                   String bundledDefault, String property, boolean liberty, boolean secret) {

    public Spec {
        if (!variable.matches("SMTP_[A-Z0-9_]+") || description == null || description.isBlank()) {
            throw new IllegalArgumentException("a setting needs an SMTP_ name and a description: " + variable);
        }
    }

    /** A setting the application reads. */
    public static Spec of(String variable, String defaultValue, Rule rule, String description) {
        return new Spec(variable, defaultValue, rule, description, null, null, null, false, false);
    }

    /** The reference states the default as {@code text} (e.g. "`SMTP_HOSTNAME`", "generated"). */
    public Spec shown(String text) {
        return new Spec(variable, defaultValue, rule, description, text, bundledDefault, property, liberty, secret);
    }

    /** Handed by server.xml to the adapter's activation-spec {@code name}; server.xml's variable has no default but a bundled path. */
    public Spec property(String name) {
        return new Spec(variable, defaultValue, rule, description, shownDefault, bundledDefault, name, liberty, secret);
    }

    /** server.xml sets {@code value} as the bundled server's default (a path under its folder). */
    public Spec bundled(String value) {
        return new Spec(variable, defaultValue, rule, description, shownDefault, value, property, liberty, secret);
    }

    /** Liberty's own configuration (server.xml and its includes) reads it, not only the application. */
    public Spec readByLiberty() {
        return new Spec(variable, defaultValue, rule, description, shownDefault, bundledDefault, property, true, secret);
    }

    public Spec asSecret() {
        return new Spec(variable, defaultValue, rule, description, shownDefault, bundledDefault, property, liberty, true);
    }
}
