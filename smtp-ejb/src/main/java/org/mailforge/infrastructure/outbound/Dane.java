package org.mailforge.infrastructure.outbound;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
     * The TLSA records of a destination: {@code _port._tcp.host}, asked only when the host's
     * MX and address records were validated.
     */
    Tlsa lookup(MxResolver.Destination destination, int port, long deadlineNanos) {
        if (!destination.secure()) {
            return Tlsa.NONE;
        }
        String base = "_" + port + "._tcp." + destination.host();
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return new Tlsa(Requirement.UNAVAILABLE, List.of(), "no time left to look up the TLSA records of " + base);
        }
        DeliveryDns.Answer answer;
        try {
            answer = dns.query(Name.fromString(base + "."), Type.TLSA, Duration.ofNanos(Math.min(left, timeout.toNanos())));
        } catch (TextParseException e) {
            return Tlsa.NONE; // not a name a TLSA record could be published at
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

    /** RFC 7672 3.1.3: PKIX-TA(0) and PKIX-EE(1) are not used in SMTP; unknown parameters and wrong digest lengths are not usable. */
    static boolean usable(TLSARecord record) {
        int usage = record.getCertificateUsage();
        int selector = record.getSelector();
        int length = record.getCertificateAssociationData().length;
        boolean data = switch (record.getMatchingType()) {
            case 0 -> length > 0;
            case 1 -> length == 32;
            case 2 -> length == 64;
            default -> false;
        };
        return (usage == 2 || usage == 3) && (selector == 0 || selector == 1) && data;
    }

    static String presentation(TLSARecord record) {
        return record.getCertificateUsage() + " " + record.getSelector() + " " + record.getMatchingType() + " "
                + java.util.HexFormat.of().formatHex(record.getCertificateAssociationData()).toUpperCase(Locale.ROOT);
    }

    /** Whether a certificate is the one a record names. */
    static boolean matches(TLSARecord record, X509Certificate certificate) {
        byte[] selected = record.getSelector() == 0 ? encoded(certificate) : certificate.getPublicKey().getEncoded();
        if (selected == null) {
            return false;
        }
        try {
            byte[] data = switch (record.getMatchingType()) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return data != null && MessageDigest.isEqual(data, record.getCertificateAssociationData());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            return null;
        }
    }

    /**
     * Trusts a server whose chain one of the usable records matches. One per connection: it
     * remembers what matched, for the delivery's route.
     */
    static final class Trust extends X509ExtendedTrustManager {

        private final List<TLSARecord> usable;
        private volatile String matched;

        Trust(List<TLSARecord> usable) {
            this.usable = List.copyOf(usable);
        }

        /** The record the server's chain matched, in presentation form; null before. */
        String matched() {
            return matched;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, authType, socket, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType, null, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("DANE needs the connection to check the MX host's name");
        }

        private void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) throws CertificateException {
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
            // DANE-TA(2): a certificate of the chain is the trust anchor; the chain below it is validated, with the host's name
            CertificateException last = null;
            for (TLSARecord record : usable) {
                if (record.getCertificateUsage() != 2) {
                    continue;
                }
                for (int i = 0; i < chain.length; i++) {
                    if (!matches(record, chain[i])) {
                        continue;
                    }
                    try {
                        X509ExtendedTrustManager anchored = anchoredAt(chain[i]);
                        X509Certificate[] path = Arrays.copyOf(chain, i + 1);
                        if (socket != null) {
                            anchored.checkServerTrusted(path, authType, socket);
                        } else {
                            anchored.checkServerTrusted(path, authType, engine);
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

        /** PKIX with one trust anchor; its name check uses the MX host's name (the socket's endpoint identification). */
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
