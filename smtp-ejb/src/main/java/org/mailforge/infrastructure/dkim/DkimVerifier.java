package org.mailforge.infrastructure.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.mailforge.application.verification.AuthenticationResults.Dkim;
import org.mailforge.infrastructure.dkim.DkimCanonical.BodyHash;
import org.mailforge.infrastructure.dkim.DkimCanonical.BodyHashes;
import org.mailforge.infrastructure.dkim.DkimCanonical.Canonicalization;
import org.mailforge.infrastructure.dkim.DkimCanonical.Field;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Verifies every DKIM signature of a message (RFC 6376, RFC 8463 for Ed25519, RFC 8301's rules
 * on algorithms and key sizes) with Apache James jDKIM's signature record, body canonicalisers and
 * key record; the key comes from DNS through {@link DnsClient} (so within the message's time
 * budget), and the header signature is checked here, since jDKIM's verifier knows RSA only.
 *
 * <p>The message is read once ({@link DkimCanonical}): its header block is held, at most
 * {@link DkimCanonical#MAX_HEADER_OCTETS}; the body streams by once, into one hash for each
 * canonicalisation and {@code l=} the signatures ask for, and is never held.
 *
 * <p>Results: {@code pass}; {@code fail} when the body or the header fields changed, the key does
 * not match, the signature expired or the key was revoked; {@code permerror} for a signature or
 * key record that cannot be used, or a header block too large to read; {@code temperror} when DNS
 * did not answer in time.
 */
public final class DkimVerifier {

    /** Signatures after this many are not looked at: each costs a DNS lookup and a hash of the body. */
    static final int MAX_SIGNATURES = 5;

    private final DnsClient dns;

    public DkimVerifier(DnsClient dns) {
        this.dns = dns;
    }

    /**
     * One result per signature (the first {@link #MAX_SIGNATURES}), in the message's order; empty
     * when it has none; a single {@code permerror} when the header block is too large to read.
     * The body is read once, and only when a signature needs its hash.
     *
     * @throws IOException the message cannot be read
     */
    public List<Dkim> verify(MessageContent content, Instant deadline) throws IOException {
        try (InputStream in = DkimCanonical.open(content)) {
            List<Field> header;
            try {
                header = DkimCanonical.readHeader(in);
            } catch (DkimCanonical.HeaderTooLargeException e) {
                return List.of(new Dkim("permerror", null, null, null, null, "header block too large"));
            }
            BodyHashes hashes = new BodyHashes();
            List<Check> checks = new ArrayList<>();
            for (Field field : header) {
                if (field.name().equals("dkim-signature") && checks.size() < MAX_SIGNATURES) {
                    checks.add(new Check(field, hashes));
                }
            }
            if (!hashes.isEmpty()) {
                hashes.hash(in);
            }
            List<Dkim> results = new ArrayList<>();
            for (Check check : checks) {
                results.add(check.result(header, deadline));
            }
            return results;
        }
    }

    /** One signature: what its field says, and the body hash it asks for. */
    private final class Check {
        private final Field field;
        private SignatureFields signature;
        private String keyType;
        private Canonicalization canonicalization;
        private BodyHash body;
        /** The result, where it is known before the body is read. */
        private Dkim result;

        Check(Field field, BodyHashes hashes) {
            this.field = field;
            try {
                signature = new SignatureFields(field.value());
                keyType = signature.getHashKeyType().toString().toLowerCase(Locale.ROOT);
            } catch (IllegalStateException | IllegalArgumentException e) {
                String problem = String.valueOf(e.getMessage());
                // jDKIM refuses an expired signature as it reads it: that is a signature that no longer verifies
                result = new Dkim(problem.contains("expired") ? "fail" : "permerror", null, null, null, null,
                        problem.contains("expired") ? "signature expired" : "unusable signature");
                return;
            }
            String algorithm = algorithm();
            if (!algorithm.equals("rsa-sha256") && !algorithm.equals("ed25519-sha256")) {
                result = result("permerror", algorithm + " is not accepted"); // RFC 8301: no rsa-sha1
                return;
            }
            canonicalization = Canonicalization.of(signature.canonicalization());
            body = canonicalization == null ? null : hashes.add(canonicalization.relaxedBody(), signature.length());
            if (body == null) {
                result = result("fail", "signature did not verify"); // a canonicalisation or l= there is not
            }
        }

        private String algorithm() {
            return keyType + "-" + signature.getHashMethod().toString().toLowerCase(Locale.ROOT);
        }

        private Dkim result(String verdict, String reason) {
            return new Dkim(verdict, signature.getDToken().toString().toLowerCase(Locale.ROOT), signature.getSelector().toString(),
                    algorithm(), signature.signaturePrefix(), reason);
        }

        /** The result, once the body has been hashed. */
        Dkim result(List<Field> header, Instant deadline) {
            if (result != null) {
                return result;
            }
            try {
                if (!MessageDigest.isEqual(body.digest(), signature.getBodyHash())) {
                    return result("fail", "body hash did not verify");
                }
                DkimKeys.Record key = DkimKeys.lookUp(dns, signature.getSelector().toString(), signature.getDToken().toString(), deadline);
                if (key == null) {
                    return result("permerror", "no key for signature");
                }
                if (key.revoked()) {
                    return result("fail", "key revoked");
                }
                DKIMVerifier.apply(key, signature);
                PublicKey publicKey = key.publicKey(keyType);
                String refusal = DkimKeys.refusal(publicKey);
                if (refusal != null) {
                    return result("permerror", refusal);
                }
                Signature check = keyType.equals("rsa") ? Signature.getInstance("SHA256withRSA") : new Ed25519OverSha256();
                check.initVerify(publicKey);
                List<String> names = signature.getHeaders().stream().map(CharSequence::toString).toList();
                check.update(DkimCanonical.signedHeader(DkimCanonical.select(header, names), field, canonicalization.relaxedHeader()));
                return check.verify(signature.getSignature()) ? result("pass", null) : result("fail", "signature did not verify");
            } catch (DnsClient.DnsTimeoutException e) {
                return result("temperror", "key lookup timed out");
            } catch (IllegalStateException e) {
                return result("permerror", "inapplicable key");
            } catch (FailException | GeneralSecurityException | RuntimeException e) {
                return result("fail", "signature did not verify");
            }
        }
    }

    /** jDKIM's signature record with the raw {@code b=}, {@code c=} and {@code l=} at hand. */
    private static final class SignatureFields extends SignatureRecordImpl {
        SignatureFields(String data) {
            super(data);
        }

        /** The value of {@code c=}; "simple/simple" without one. */
        String canonicalization() {
            return getValue("c").toString();
        }

        /** The value of {@code l=}; null without one. */
        String length() {
            return getTags().contains("l") ? getValue("l").toString() : null;
        }

        String signaturePrefix() {
            CharSequence b = getValue("b");
            if (b == null) {
                return null;
            }
            String compact = b.toString().replaceAll("\\s", "");
            return compact.substring(0, Math.min(8, compact.length()));
        }
    }
}
