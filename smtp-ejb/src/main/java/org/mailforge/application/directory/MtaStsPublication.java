package org.mailforge.application.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;

/**
 * The MTA-STS policy (RFC 8461) this server offers for its own domains, so that senders deliver
 * to it over verified TLS: {@code mx:} its host name, the mode of {@code SMTP_MTA_STS_MODE}
 * ({@code testing} by default: senders report problems but deliver anyway), a week's max_age. Its
 * id is a digest of the text, so it changes exactly when the policy does.
 */
@ApplicationScoped
public class MtaStsPublication {

    static final long MAX_AGE_SECONDS = 604_800;

    private MailDirectory directory;
    private String policy;
    private String id;

    protected MtaStsPublication() {
        // for CDI's client proxy
    }

    @Inject
    public MtaStsPublication(ServerConfiguration configuration, MailDirectory directory) {
        this.directory = directory;
        policy = "version: STSv1\r\nmode: " + configuration.trust().mtaStsMode() + "\r\nmx: " + configuration.listener().hostname().toLowerCase(Locale.ROOT)
                + "\r\nmax_age: " + MAX_AGE_SECONDS + "\r\n";
        try {
            id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(policy.getBytes(StandardCharsets.US_ASCII)))
                    .substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /**
     * The policy text to serve at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} for the
     * host a request names; empty when that is not {@code mta-sts.} of a local domain.
     */
    public Optional<String> policyFor(String host) {
        String name = host == null ? "" : host.toLowerCase(Locale.ROOT).replaceFirst(":\\d+$", "");
        if (!name.startsWith("mta-sts.") || !directory.isLocal(name.substring("mta-sts.".length()))) {
            return Optional.empty();
        }
        return Optional.of(policy);
    }

    /** The value of the {@code _mta-sts} TXT record that announces the policy. */
    public String txtRecord() {
        return "v=STSv1; id=" + id;
    }
}
