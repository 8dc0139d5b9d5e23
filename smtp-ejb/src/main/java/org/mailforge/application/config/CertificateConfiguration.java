package org.mailforge.application.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.mailforge.smtp.settings.CertificateSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * The server's certificate from an ACME authority (RFC 8555): the catalogue's
 * {@link CertificateSetting} area. Off while {@code directory} is null.
 *
 * @param directory    {@code SMTP_ACME_DIRECTORY}, or null when off
 * @param email        {@code SMTP_ACME_EMAIL}, or null
 * @param caFile       {@code SMTP_ACME_CA_FILE}, or null for Java's trusted authorities
 * @param names        the names to order: {@code SMTP_HOSTNAME} first, then {@code SMTP_ACME_NAMES}
 * @param mtaStsNames  {@code SMTP_ACME_MTA_STS_NAMES}: also {@code mta-sts.<domain>} of the local domains
 * @param reuseKey     {@code SMTP_ACME_REUSE_KEY}: a renewal keeps the certificate's key (TLSA 3 1 1 records stay true)
 */
public record CertificateConfiguration(URI directory, String email, Path caFile, List<String> names, boolean mtaStsNames,
                                       boolean reuseKey) {

    public CertificateConfiguration {
        names = List.copyOf(names);
    }

    public boolean acme() {
        return directory != null;
    }

    /** ACME off: what the unit tests of other parts run with. */
    public static CertificateConfiguration off() {
        return new CertificateConfiguration(null, null, null, List.of(), false, true);
    }

    static CertificateConfiguration load(SettingsReader in, String hostname) {
        String url = in.text(CertificateSetting.ACME_DIRECTORY).strip();
        URI directory = null;
        if (!url.isEmpty()) {
            try {
                directory = URI.create(url);
            } catch (IllegalArgumentException e) {
                directory = null;
            }
            in.require(directory != null && "https".equals(directory.getScheme()) && directory.getHost() != null,
                    "SMTP_ACME_DIRECTORY must be an https:// URL (was '" + url + "')");
            in.require(hostname.contains(".") && !hostname.equalsIgnoreCase("localhost.localdomain"),
                    "SMTP_HOSTNAME must be the server's public name with SMTP_ACME_DIRECTORY: an authority certifies no '" + hostname + "'");
            in.require(in.bool(CertificateSetting.ACME_ACCEPT_TERMS),
                    "SMTP_ACME_ACCEPT_TERMS must be true with SMTP_ACME_DIRECTORY: the authority's terms of service must be agreed to");
        }
        String email = in.text(CertificateSetting.ACME_EMAIL).strip();
        in.require(email.isEmpty() || email.matches("[^@\\s,]+@[^@\\s,]+"), "SMTP_ACME_EMAIL must be one e-mail address (was '" + email + "')");
        String ca = in.text(CertificateSetting.ACME_CA_FILE).strip();
        in.require(ca.isEmpty() || Files.isReadable(Path.of(ca)), "SMTP_ACME_CA_FILE must name a readable PEM file (was '" + ca + "')");
        Set<String> names = new LinkedHashSet<>();
        names.add(hostname.toLowerCase(Locale.ROOT));
        List<String> invalid = new ArrayList<>();
        for (String name : in.text(CertificateSetting.ACME_NAMES).split(",")) {
            String clean = name.strip().toLowerCase(Locale.ROOT);
            if (clean.isEmpty()) {
                continue;
            }
            if (clean.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")) {
                names.add(clean);
            } else {
                invalid.add(name.strip());
            }
        }
        in.require(invalid.isEmpty(), "SMTP_ACME_NAMES must be host names in A-label form, comma-separated (not " + invalid + ")");
        return new CertificateConfiguration(directory, email.isEmpty() ? null : email, ca.isEmpty() ? null : Path.of(ca),
                List.copyOf(names), in.bool(CertificateSetting.ACME_MTA_STS_NAMES), in.bool(CertificateSetting.ACME_REUSE_KEY));
    }
}
