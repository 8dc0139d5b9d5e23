package org.mailforge.smtp.settings;

/**
 * Certificates by themselves: the server's certificate from an ACME certificate authority (RFC 8555).
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum CertificateSetting implements Setting {

    ACME_DIRECTORY(Spec.of("SMTP_ACME_DIRECTORY", "", Rule.ANY,
            "Directory URL of an ACME certificate authority (`https://acme-v02.api.letsencrypt.org/directory` for " +
            "Let's Encrypt): the server gets and renews its certificate by itself, for the listeners (with " +
            "`SMTP_ENABLE_TLS=true`) and the API's HTTPS port, shared by every node; `SMTP_TLS_CERT`/`SMTP_TLS_KEY` win " +
            "when set; empty = off ([docs/certificates.md](certificates.md))")),
    ACME_EMAIL(Spec.of("SMTP_ACME_EMAIL", "", Rule.ANY,
            "Contact address of the ACME account (the authority writes about expiry and problems)")),
    ACME_ACCEPT_TERMS(Spec.of("SMTP_ACME_ACCEPT_TERMS", "false", Rule.BOOLEAN,
            "`true` agrees to the authority's terms of service; ACME needs it")),
    ACME_CA_FILE(Spec.of("SMTP_ACME_CA_FILE", "", Rule.ANY,
            "PEM file of the certificate authorities to trust for the directory's HTTPS, for a private or test " +
            "authority (Pebble); empty = Java's trusted authorities")),
    ACME_NAMES(Spec.of("SMTP_ACME_NAMES", "", Rule.ANY,
            "More names for the certificate, comma-separated (the API's host name, other MX names); " +
            "`SMTP_HOSTNAME` always is one")),
    ACME_MTA_STS_NAMES(Spec.of("SMTP_ACME_MTA_STS_NAMES", "true", Rule.BOOLEAN,
            "Also `mta-sts.<domain>` of every local domain, so the MTA-STS policy this server publishes is served " +
            "with a valid certificate; a name whose challenge fails is left out for a day")),
    ACME_REUSE_KEY(Spec.of("SMTP_ACME_REUSE_KEY", "true", Rule.BOOLEAN,
            "A renewal keeps the certificate's key, so that a published `3 1 1` TLSA record (DANE) stays true; `false`: a new " +
            "key with every certificate ([DANE and ACME](certificates.md#dane))"));

    private final Spec spec;

    CertificateSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
