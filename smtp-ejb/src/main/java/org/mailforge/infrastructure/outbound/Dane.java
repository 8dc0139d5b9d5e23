package org.mailforge.infrastructure.outbound;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DANE for SMTP (RFC 7672): the TLSA records of an MX host, and the trust they give. Only a
 * DNSSEC-validated answer counts, for a host whose MX and address records were validated too:
 * an attacker who can forge DNS can then neither add records nor remove them.
 *
 * <ul>
 * <li>Usable records ({@code DANE-EE(3)}, {@code DANE-TA(2)}; selectors 0 and 1; matching types
 * 0, 1 and 2): TLS is required and the certificate must match one of them, or the host gets no
 * mail. DANE-EE matches the server's own certificate or key, with no name or date check
 * (RFC 7672 3.1.1); DANE-TA names a trust anchor in the server's chain, from which the chain is
 * validated as usual, the MX host's name included (3.1.2).</li>
 * <li>Records, none usable (PKIX-TA(0), PKIX-EE(1), unknown parameters): TLS without
 * authentication, still required (2.2).</li>
 * <li>A validated denial, or an answer that is not validated: no DANE for the host.</li>
 * <li>No answer, or one the resolver could not validate (bogus: SERVFAIL): the host is not used
 * (2.2.3); the next may be, else the mail waits ({@code 4.7.5}).</li>
 * </ul>
 */
final class Dane {

    /** What the TLSA records of a host require of its TLS. */
    enum Requirement {
        /** No DANE for this host: the delivery's other policies apply. */
        NONE,
        /** TLS whose certificate matches one of the usable records. */
        VERIFIED,
        /** TLS, any certificate: the host publishes TLSA records, none of them usable. */
        ENCRYPTED,
        /** The TLSA records could not be had: the host is not used. */
        UNAVAILABLE
    }

    /** The outcome of a host's TLSA lookup. */
    record Tlsa(Requirement requirement, List<TLSARecord> usable, String text) {

        static final Tlsa NONE = new Tlsa(Requirement.NONE, List.of(), "");

        /** The records, as a TLS report's policy strings give them (RFC 8460 4.4). */
        List<String> policyStrings() {
            return usable.stream().map(Dane::presentation).toList();
        }
    }

    private final DeliveryDns dns;
    private final Duration timeout;

    Dane(DeliveryDns dns, Duration timeout) {
        this.dns = dns;
        this.timeout = timeout;
    }

    /**
     * The TLSA records of each distinct host of these destinations: {@code _port._tcp.host},
     * asked only of hosts whose MX and address records were validated, all at once, each answer
     * awaited until {@code deadlineNanos} at most: a slow name server of one host does not use up
     * the time of the others.
     */
    Map<String, Tlsa> lookup(List<MxResolver.Destination> destinations, int port, long deadlineNanos) {
        Map<String, java.util.concurrent.CompletableFuture<org.xbill.DNS.Message>> pending = new LinkedHashMap<>();
        Map<String, Tlsa> outcomes = new LinkedHashMap<>();
        for (MxResolver.Destination destination : destinations) {
            String host = destination.host();
            if (outcomes.containsKey(host) || pending.containsKey(host)) {
                continue; // all addresses of a host share its security (its MX and both address answers)
            }
            if (!destination.secure()) {
                outcomes.put(host, Tlsa.NONE);
                continue;
            }
            try {
                pending.put(host, dns.start(name(host, port), Type.TLSA));
            } catch (TextParseException e) {
                outcomes.put(host, Tlsa.NONE); // not a name a TLSA record could be published at
            }
        }
        long end = Math.min(deadlineNanos, System.nanoTime() + timeout.toNanos());
        for (var question : pending.entrySet()) {
            outcomes.put(question.getKey(), outcome(question.getKey(), port, question.getValue(), end));
        }
        return outcomes;
    }

    private static Name name(String host, int port) throws TextParseException {
        return Name.fromString("_" + port + "._tcp." + host + ".");
    }

    private Tlsa outcome(String host, int port, java.util.concurrent.CompletableFuture<org.xbill.DNS.Message> pending, long end) {
        String base = "_" + port + "._tcp." + host;
        long left = end - System.nanoTime();
        DeliveryDns.Answer answer;
        try {
            if (left <= 0 && !pending.isDone()) {
                pending.cancel(true);
                return new Tlsa(Requirement.UNAVAILABLE, List.of(), "no time left to look up the TLSA records of " + base);
            }
            answer = dns.await(name(host, port), Type.TLSA, pending, Duration.ofNanos(Math.max(1_000_000, left)));
        } catch (TextParseException e) {
            return Tlsa.NONE;
        } catch (IOException e) {
            return new Tlsa(Requirement.UNAVAILABLE, List.of(), "the TLSA lookup of " + base + " failed: " + e.getMessage());
        }
        if (answer.denied()) {
            return Tlsa.NONE; // validated or not, a denial leaves the host to the other policies
        }
        if (!answer.found()) {
            // SERVFAIL from a validating resolver: the answer is bogus (forged, or a broken signature) or unreachable
            return new Tlsa(Requirement.UNAVAILABLE, List.of(), "the TLSA lookup of " + base + " failed: "
                    + org.xbill.DNS.Rcode.string(answer.rcode()) + " (DNSSEC validation failed, or no answer)");
        }
        if (!answer.secure()) {
            return Tlsa.NONE; // not validated: RFC 7672 2.2 lets no unvalidated record count, for or against
        }
        List<TLSARecord> records = answer.records().stream().map(TLSARecord.class::cast).toList();
        List<TLSARecord> usable = records.stream().filter(Dane::usable).toList();
        return usable.isEmpty()
                ? new Tlsa(Requirement.ENCRYPTED, List.of(), base + " has " + records.size() + " TLSA record(s), none usable")
                : new Tlsa(Requirement.VERIFIED, usable, base);
    }

    private static org.mailforge.smtp.tls.Tlsa content(TLSARecord record) {
        return new org.mailforge.smtp.tls.Tlsa(record.getCertificateUsage(), record.getSelector(), record.getMatchingType(),
                record.getCertificateAssociationData());
    }

    /** RFC 7672 3.1.3: PKIX-TA(0) and PKIX-EE(1) are not used in SMTP; unknown parameters and wrong digest lengths are not usable. */
    static boolean usable(TLSARecord record) {
        return content(record).usable();
    }

    static String presentation(TLSARecord record) {
        return content(record).presentation();
    }

    /** Whether a certificate is the one a record names. */
    static boolean matches(TLSARecord record, X509Certificate certificate) {
        return content(record).matches(certificate);
    }

    /**
     * Trusts a server whose chain one of the usable records matches. One per connection: it
     * remembers what matched, for the delivery's route.
     */
    static final class Trust extends X509ExtendedTrustManager {

        private final List<TLSARecord> usable;
        private final String host;
        private volatile String matched;

        /** @param host the MX host's name: a DANE-TA chain's certificate must carry it (RFC 7672 3.2.2) */
        Trust(List<TLSARecord> usable, String host) {
            this.usable = List.copyOf(usable);
            this.host = host;
        }

        /** The record the server's chain matched, in presentation form; null before. */
        String matched() {
            return matched;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server showed no certificate");
            }
            // DANE-EE(3): the server's own certificate or key; its names and dates are not checked (RFC 7672 3.1.1)
            for (TLSARecord record : usable) {
                if (record.getCertificateUsage() == 3 && matches(record, chain[0])) {
                    matched = "DANE-EE " + presentation(record);
                    return;
                }
            }
            // DANE-TA(2): an issuer in the chain is the trust anchor; the chain below it is validated (dates, usages), with the host's name
            CertificateException last = null;
            for (TLSARecord record : usable) {
                if (record.getCertificateUsage() != 2) {
                    continue;
                }
                for (int i = 1; i < chain.length; i++) { // not the leaf: an anchor that is the leaf would skip the chain's checks
                    if (!matches(record, chain[i])) {
                        continue;
                    }
                    try {
                        anchoredAt(chain[i]).checkServerTrusted(Arrays.copyOf(chain, i + 1), authType);
                        if (!names(chain[0], host)) {
                            throw new CertificateException("the certificate does not carry the MX host's name " + host);
                        }
                        matched = "DANE-TA " + presentation(record);
                        return;
                    } catch (CertificateException e) {
                        last = e;
                    }
                }
            }
            throw new CertificateException("the certificate of the MX host matches none of its TLSA records"
                    + (last == null ? "" : " (" + last.getMessage() + ")"), last);
        }

        /**
         * Whether the certificate is for the host (RFC 7672 3.2.3): a DNS name of its subject
         * alternative names (the common name only without them) equal to it, or a wildcard that
         * is the whole leftmost label and stands for exactly one.
         */
        static boolean names(X509Certificate certificate, String host) {
            String wanted = host.toLowerCase(Locale.ROOT);
            List<String> names = new java.util.ArrayList<>();
            try {
                java.util.Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
                if (alternatives != null) {
                    for (List<?> alternative : alternatives) {
                        if (alternative.size() == 2 && Integer.valueOf(2).equals(alternative.get(0))) {
                            names.add(String.valueOf(alternative.get(1)));
                        }
                    }
                }
            } catch (java.security.cert.CertificateParsingException e) {
                return false;
            }
            if (names.isEmpty()) {
                java.util.regex.Matcher cn = java.util.regex.Pattern.compile("(?:^|,)CN=([^,]+)")
                        .matcher(certificate.getSubjectX500Principal().getName());
                if (cn.find()) {
                    names.add(cn.group(1));
                }
            }
            for (String name : names) {
                String presented = name.toLowerCase(Locale.ROOT);
                if (presented.endsWith(".")) {
                    presented = presented.substring(0, presented.length() - 1);
                }
                if (presented.equals(wanted)) {
                    return true;
                }
                int dot = wanted.indexOf('.');
                if (presented.startsWith("*.") && dot > 0 && presented.substring(2).indexOf('.') > 0
                        && presented.substring(1).equals(wanted.substring(dot))) {
                    return true;
                }
            }
            return false;
        }

        /** PKIX with one trust anchor, without a name check (ours follows). */
        private static X509ExtendedTrustManager anchoredAt(X509Certificate anchor) throws CertificateException {
            try {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                store.setCertificateEntry("tlsa", anchor);
                TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
                factory.init(store);
                for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
                    if (manager instanceof X509ExtendedTrustManager extended) {
                        return extended;
                    }
                }
                throw new CertificateException("no PKIX trust manager");
            } catch (GeneralSecurityException | IOException e) {
                throw new CertificateException("cannot validate from the TLSA trust anchor: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
