package org.mailforge.domain.outbound;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The MTA-STS policy (RFC 8461) of a destination domain: whether mail to it must travel over
 * verified TLS ({@link Mode#ENFORCE}), should ({@link Mode#TESTING}: failures are only reported),
 * or has no policy ({@link Mode#NONE}); which MX hosts may take it; how long it holds.
 */
@Entity
@Table(name = "mta_sts_policies")
public class MtaStsPolicy {

    /** RFC 8461 3.2: max_age at most a year. */
    public static final long MAX_AGE_LIMIT = 31_557_600;
    /** A policy body longer than this is not read (RFC 8461 3.3 suggests 64 KB). */
    public static final int MAX_POLICY_OCTETS = 64 * 1024;

    public enum Mode {
        ENFORCE, TESTING, NONE
    }

    @Id
    @Column(nullable = false, length = 253)
    private String domain;

    @Column(name = "policy_id", nullable = false)
    private String policyId;

    @Column(nullable = false)
    private String mode;

    @Column(nullable = false)
    private String mx;

    @Column(name = "max_age_seconds", nullable = false)
    private long maxAgeSeconds;

    @Column(name = "fetched_at", nullable = false)
    private Instant fetchedAt;

    protected MtaStsPolicy() {
        // for JPA
    }

    private MtaStsPolicy(String domain, String policyId, Mode mode, List<String> mx, long maxAgeSeconds, Instant fetchedAt) {
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.policyId = policyId;
        this.mode = mode.name().toLowerCase(Locale.ROOT);
        this.mx = String.join(" ", mx);
        this.maxAgeSeconds = maxAgeSeconds;
        this.fetchedAt = fetchedAt;
    }

    /**
     * Reads a policy body (RFC 8461 3.2: {@code key: value} lines, CRLF or LF).
     *
     * @throws IllegalArgumentException when it is not a valid STSv1 policy
     */
    public static MtaStsPolicy parse(String domain, String policyId, String body, Instant fetchedAt) {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = value;
                case "mode" -> mode = switch (value) {
                    case "enforce" -> Mode.ENFORCE;
                    case "testing" -> Mode.TESTING;
                    case "none" -> Mode.NONE;
                    default -> throw new IllegalArgumentException("unknown mode: " + value);
                };
                case "max_age" -> {
                    if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > MAX_AGE_LIMIT) {
                        throw new IllegalArgumentException("max_age must be 0-" + MAX_AGE_LIMIT + " seconds");
                    }
                    maxAge = Long.parseLong(value);
                }
                case "mx" -> {
                    if (!value.matches("(\\*\\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\\.?")) {
                        throw new IllegalArgumentException("not an mx pattern: " + value);
                    }
                    mx.add(value.toLowerCase(Locale.ROOT));
                }
                default -> {
                    // RFC 8461 3.2: unknown keys are ignored
                }
            }
        }
        if (!"STSv1".equals(version) || mode == null || maxAge == null || (mode != Mode.NONE && mx.isEmpty())) {
            throw new IllegalArgumentException("an STSv1 policy needs version, mode, max_age and (unless mode is none) mx");
        }
        return new MtaStsPolicy(domain, policyId, mode, mx, maxAge, fetchedAt);
    }

    /** Whether an MX host name is one the policy names (RFC 8461 4.1: a wildcard stands for the left-most label only). */
    public boolean allows(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        for (String pattern : mxPatterns()) {
            String plain = pattern.endsWith(".") ? pattern.substring(0, pattern.length() - 1) : pattern;
            if (plain.startsWith("*.")) {
                int dot = name.indexOf('.');
                if (dot > 0 && name.substring(dot + 1).equals(plain.substring(2))) {
                    return true;
                }
            } else if (name.equals(plain)) {
                return true;
            }
        }
        return false;
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(fetchedAt.plus(Duration.ofSeconds(maxAgeSeconds)));
    }

    public String getDomain() {
        return domain;
    }

    public String getPolicyId() {
        return policyId;
    }

    public Mode getMode() {
        return Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    }

    public List<String> mxPatterns() {
        return mx.isEmpty() ? List.of() : Arrays.asList(mx.split(" "));
    }

    public long getMaxAgeSeconds() {
        return maxAgeSeconds;
    }

    public Instant getFetchedAt() {
        return fetchedAt;
    }
}
