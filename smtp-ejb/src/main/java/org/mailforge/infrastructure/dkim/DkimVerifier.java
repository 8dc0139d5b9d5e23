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

import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.apache.james.mime4j.MimeException;
import org.mailforge.application.verification.AuthenticationResults.Dkim;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Verifies every DKIM signature of a message (RFC 6376, RFC 8463 for Ed25519, RFC 8301's rules
 * on algorithms and key sizes) with Apache James jDKIM's parsing, canonicalisation and body
 * hashes; the key comes from DNS through {@link DnsClient} (so within the message's time budget),
 * and the header signature is checked here, since jDKIM's verifier knows RSA only.
 *
 * <p>Results: {@code pass}; {@code fail} when the body or the header fields changed, the key does
 * not match, the signature expired or the key was revoked; {@code permerror} for a signature or
 * key record that cannot be used; {@code temperror} when DNS did not answer in time.
 */
public final class DkimVerifier extends DKIMCommon {

    /** Signatures after this many are not looked at: each costs a DNS lookup and a hash of the body. */
    static final int MAX_SIGNATURES = 5;

    private final DnsClient dns;

    public DkimVerifier(DnsClient dns) {
        this.dns = dns;
    }

    /** One result per signature, in the message's order; empty when it has none. */
    public List<Dkim> verify(MessageContent content, Instant deadline) throws IOException {
        List<Dkim> results = new ArrayList<>();
        try (InputStream in = content.openStream()) {
            Message message = new Message(in);
            try {
                List<String> fields = message.getFields("DKIM-Signature");
                for (String field : fields.subList(0, Math.min(fields.size(), MAX_SIGNATURES))) {
                    results.add(verify(message, field, deadline));
                }
            } finally {
                message.dispose();
            }
        } catch (MimeException e) {
            results.add(new Dkim("permerror", null, null, null, null, "the message cannot be parsed"));
        }
        return results;
    }

    private Dkim verify(Message message, String field, Instant deadline) {
        SignatureFields signature;
        try {
            signature = new SignatureFields(field.substring(field.indexOf(':') + 1));
        } catch (IllegalStateException | IllegalArgumentException e) {
            String problem = String.valueOf(e.getMessage());
            // jDKIM refuses an expired signature as it reads it: that is a signature that no longer verifies
            return new Dkim(problem.contains("expired") ? "fail" : "permerror", null, null, null, null,
                    problem.contains("expired") ? "signature expired" : "unusable signature");
        }
        String domain = signature.getDToken().toString().toLowerCase(Locale.ROOT);
        String selector = signature.getSelector().toString();
        String keyType = signature.getHashKeyType().toString().toLowerCase(Locale.ROOT);
        String algorithm = keyType + "-" + signature.getHashMethod().toString().toLowerCase(Locale.ROOT);
        String prefix = signature.signaturePrefix();
        java.util.function.BiFunction<String, String, Dkim> result = (verdict, reason) ->
                new Dkim(verdict, domain, selector, algorithm, prefix, reason);
        if (!algorithm.equals("rsa-sha256") && !algorithm.equals("ed25519-sha256")) {
            return result.apply("permerror", algorithm + " is not accepted"); // RFC 8301: no rsa-sha1
        }
        try {
            BodyHasherImpl body = new BodyHasherImpl(signature);
            DKIMCommon.streamCopy(message.getBodyInputStream(), body.getOutputStream());
            if (!MessageDigest.isEqual(body.getDigest(), signature.getBodyHash())) {
                return result.apply("fail", "body hash did not verify");
            }
            DkimKeys.Record key = DkimKeys.lookUp(dns, selector, signature.getDToken().toString(), deadline);
            if (key == null) {
                return result.apply("permerror", "no key for signature");
            }
            if (key.revoked()) {
                return result.apply("fail", "key revoked");
            }
            DKIMVerifier.apply(key, signature);
            PublicKey publicKey = key.publicKey(keyType);
            String refusal = DkimKeys.refusal(publicKey);
            if (refusal != null) {
                return result.apply("permerror", refusal);
            }
            Signature check = keyType.equals("rsa") ? Signature.getInstance("SHA256withRSA") : new Ed25519OverSha256();
            check.initVerify(publicKey);
            signatureCheck(message, signature, signature.getHeaders(), check);
            return check.verify(signature.getSignature()) ? result.apply("pass", null)
                    : result.apply("fail", "signature did not verify");
        } catch (DnsClient.DnsTimeoutException e) {
            return result.apply("temperror", "key lookup timed out");
        } catch (IllegalStateException e) {
            return result.apply("permerror", "inapplicable key");
        } catch (FailException | GeneralSecurityException | IOException | RuntimeException e) {
            return result.apply("fail", "signature did not verify");
        }
    }

    /** jDKIM's signature record with the raw {@code b=} at hand. */
    private static final class SignatureFields extends SignatureRecordImpl {
        SignatureFields(String data) {
            super(data);
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
