package org.mailforge.smtp.settings;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every {@code SMTP_*} setting of Mailforge, by area, in the order the configuration reference
 * lists them. A new setting is one constant in its area's enum (plus its use); the reference
 * ({@code docs/configuration.md}) is generated from here and a test holds it, server.xml and the
 * adapter's activation spec to this list.
 */
public final class SettingsCatalogue {

    /** The areas, each one enum of settings. */
    public enum Area {
        LISTENERS("The SMTP listeners", "The three SMTP listeners (MX, submission, implicit TLS): server.xml hands each of"
                + " these to the resource adapter's activation spec, and the application reads the same variables.",
                ListenerSetting.values()),
        STORAGE("Storage, database and messaging", "Where mail, the database and the queues live.", StorageSetting.values()),
        CERTIFICATES("Certificates from ACME", "The server's certificate, got and renewed by itself (see"
                + " [certificates](certificates.md)).", CertificateSetting.values()),
        OUTBOUND("Outbound delivery and the queue", "How mail for other domains leaves: smarthost or MX, TLS, MTA-STS, retries.",
                OutboundSetting.values()),
        TRUST("Mail authentication, forwarding and addresses", "What received mail is checked for, what this server"
                + " publishes, and how addresses are rewritten.", TrustSetting.values()),
        SCREENING("Defence before DATA", "Tests of the client before its mail is read (see [screening](screening.md)).",
                ScreeningSetting.values()),
        SCANNING("Content scanning", "Spam and virus scanners asked after the data, before the reply (see"
                + " [scanning](scanning.md)).", ScanningSetting.values()),
        GUARDRAILS("Sending limits of accounts", "Limits on what an authenticated account may send (see"
                + " [message trace](message-trace.md)).", GuardrailSetting.values()),
        OPERATIONS("Admin API, health, webhooks and the console", "The administrator's side of the server.",
                OperationsSetting.values());

        private final String title;
        private final String introduction;
        private final List<Setting> settings;

        Area(String title, String introduction, Setting[] settings) {
            this.title = title;
            this.introduction = introduction;
            this.settings = List.of(settings);
        }

        public String title() {
            return title;
        }

        public List<Setting> settings() {
            return settings;
        }
    }

    private SettingsCatalogue() {
    }

    /** Every setting, area by area. */
    public static List<Setting> all() {
        return Arrays.stream(Area.values()).flatMap(area -> area.settings.stream()).toList();
    }

    /** The setting of {@code variable}, if the catalogue has one. */
    public static Optional<Setting> find(String variable) {
        return all().stream().filter(setting -> setting.variable().equals(variable)).findFirst();
    }

    /** The configuration reference's tables, one per area, as Markdown. */
    public static String reference() {
        StringBuilder out = new StringBuilder();
        for (Area area : Area.values()) {
            out.append("\n### ").append(area.title).append("\n\n").append(area.introduction).append("\n\n")
                    .append("| Variable | Default | Values | Meaning |\n|---|---|---|---|\n");
            for (Setting setting : area.settings) {
                Spec spec = setting.spec();
                out.append("| `").append(spec.variable()).append("` | ").append(shownDefault(spec)).append(" | ")
                        .append(spec.rule().shown()).append(spec.secret() ? ", secret" : "").append(" | ")
                        .append(spec.description()).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String shownDefault(Spec spec) {
        String shown = spec.shownDefault() != null ? spec.shownDefault()
                : spec.defaultValue() == null ? "(unset)"
                : spec.defaultValue().isEmpty() ? "(empty)"
                : "`" + spec.defaultValue() + "`";
        String bundled = spec.bundledDefault();
        if (bundled != null && !bundled.equals(spec.defaultValue()) && !bundled.isEmpty() && !spec.liberty()) {
            shown += " (bundled server: `" + bundled.replace("${server.output.dir}/", "") + "`)";
        }
        return shown;
    }

    /** Variables the catalogue has twice (none, or it is broken). */
    static List<String> duplicates() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return all().stream().map(Setting::variable).filter(name -> !seen.add(name)).distinct().toList();
    }
}
