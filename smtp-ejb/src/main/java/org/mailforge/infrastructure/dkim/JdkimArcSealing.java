package org.mailforge.infrastructure.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.james.jdkim.tagvalue.TagValue;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.dkim.ArcSealing;
import org.mailforge.application.dkim.DkimSigning;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.infrastructure.dkim.DkimCanonical.BodyHash;
import org.mailforge.infrastructure.dkim.DkimCanonical.BodyHashes;
import org.mailforge.infrastructure.dkim.DkimCanonical.Canonicalization;
import org.mailforge.infrastructure.dkim.DkimCanonical.Field;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.smtp.spi.MessageContent;

/**
 * ARC sets (RFC 8617) with Apache James jDKIM's body canonicalisers and tag-list parser, the
 * {@link Ed25519OverSha256} and folding of {@link JdkimSigning}, and the key rules of
 * {@link DkimVerifier} ({@link DkimKeys}).
 *
 * <p>The message is read once ({@link DkimCanonical}): its header block (at most
 * {@link DkimCanonical#MAX_HEADER_OCTETS}) is held, the body streams through the canonicalisers
 * into SHA-256 and is never held.
 *
 * <p>The existing chain is validated as RFC 8617 5.2 says: its structure (instances 1 to N, one
 * ARC-Authentication-Results, ARC-Message-Signature and ARC-Seal each), the newest
 * ARC-Message-Signature, and every ARC-Seal; the older message signatures are not needed for a
 * verdict and are not checked.
 */
@ApplicationScoped
public class JdkimArcSealing implements ArcSealing {

    private static final String SEAL = "arc-seal";
    private static final String MESSAGE_SIGNATURE = "arc-message-signature";
    private static final String RESULTS = "arc-authentication-results";
    private static final String FWS = "[ \t\r\n]*";
    /** The instance tag as an ARC header field carries it: first in the AAR, anywhere in the tag lists of the others. */
    private static final Pattern INSTANCE = Pattern.compile("(?:^|;)" + FWS + "i" + FWS + "=" + FWS + "([0-9]{1,9})" + FWS + "(?:;|$)");
    private static final Pattern FAILED = Pattern.compile("(?:^|;)" + FWS + "cv" + FWS + "=" + FWS + "fail" + FWS + "(?:;|$)",
            Pattern.CASE_INSENSITIVE);
    /** An ARC-Message-Signature without {@code c=} is relaxed/relaxed (as dkimpy reads it). */
    private static final String DEFAULT_CANONICALIZATION = "relaxed/relaxed";
    private static final Pattern ARC_RESULT = Pattern.compile("(?:^|;)" + FWS + "arc" + FWS + "=", Pattern.CASE_INSENSITIVE);
    private static final Pattern AUTHSERV_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    /** Printable ASCII, spaces and folds: nothing that would end the header field or start another. */
    private static final Pattern HEADER_TEXT = Pattern.compile("(?:[\\x20-\\x7e\\t]|\\r\\n[ \\t])*");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9_])?");

    @Inject
    ServerConfiguration configuration;

    Clock clock = Clock.systemUTC();

    private DnsClient dns;

    /** For CDI: the resolver is the one of the checks at receipt ({@code SMTP_DNS_SERVER}). */
    public JdkimArcSealing() {
    }

    JdkimArcSealing(DnsClient dns) {
        this.dns = dns;
    }

    @PostConstruct
    void init() {
        dns = DnsClient.forChecks(configuration.outbound().dnsServer());
    }

    @Override
    public byte[] seal(MessageContent content, String authservId, String results, String domain, String selector,
            DkimAlgorithm algorithm, PrivateKey key, Instant deadline) throws IOException, GeneralSecurityException {
        check(AUTHSERV_ID, authservId, "authserv-id");
        check(HEADER_TEXT, results, "results");
        check(DOMAIN, domain, "domain");
        check(SELECTOR, selector, "selector");
        try (InputStream in = DkimCanonical.open(content)) {
            List<Field> header = DkimCanonical.readHeader(in);
            Chain chain = Chain.of(header);
            if (chain.failed || chain.highest >= MAX_INSTANCE) {
                return new byte[0]; // RFC 8617 5.1: a failed chain is not extended; 50 sets are the most there are
            }
            // the newest message signature of the chain is checked against the body as it streams by, beside ours
            Tags newest = chain.sets.isEmpty() ? null : Tags.of(chain.sets.lastEntry().getValue().messageSignature().value());
            BodyHashes hashes = new BodyHashes();
            BodyHash ours = hashes.add(true);
            // in the usual case, relaxed without l=, theirs is ours: one hash serves both
            Canonicalization canonicalization = newest == null ? null : newest.canonicalization();
            BodyHash theirs = canonicalization == null ? null : hashes.add(canonicalization.relaxedBody(), newest.get("l"));
            hashes.hash(in);
            String cv = chain.sets.isEmpty() && chain.wellFormed ? "none"
                    : new Validation(header, chain, deadline).valid(newest, theirs) ? "pass" : "fail";
            return seal(header, chain, cv, ours.digest(), authservId, results, domain, selector, algorithm, key);
        }
    }

    private static void check(Pattern allowed, String value, String what) {
        if (value == null || !allowed.matcher(value).matches()) {
            throw new IllegalArgumentException("the " + what + " cannot be put in an ARC header field");
        }
    }

    private byte[] seal(List<Field> header, Chain chain, String cv, byte[] bodyHash, String authservId, String results,
            String domain, String selector, DkimAlgorithm algorithm, PrivateKey key) throws GeneralSecurityException {
        int instance = chain.highest + 1;
        long now = clock.instant().getEpochSecond();
        String unfolded = results.replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
        if (!ARC_RESULT.matcher(unfolded).find()) {
            unfolded = (unfolded.isEmpty() ? "" : unfolded + "; ") + "arc=" + cv;
        }
        String aar = JdkimSigning.fold("ARC-Authentication-Results: i=" + instance + "; " + authservId + "; " + unfolded);
        Field resultsField = Field.of(aar.substring(0, aar.length() - 2));

        // RFC 8617 4.1.2: DKIM's header fields, and the DKIM signatures there are; never ARC's or Authentication-Results
        List<String> signed = new ArrayList<>(DkimCanonical.oversigned(header, DkimSigning.SIGNED_HEADERS));
        // the message's DKIM signatures too, as many as a verifier looks at (the rest would only lengthen h=)
        header.stream().filter(f -> f.name().equals("dkim-signature")).limit(DkimVerifier.MAX_SIGNATURES)
                .forEach(f -> signed.add("dkim-signature"));
        String unsignedAms = "ARC-Message-Signature: i=" + instance + "; a=" + algorithm.tag() + "; c=relaxed/relaxed; d=" + domain
                + "; s=" + selector + "; t=" + now + "; h=" + String.join(":", signed) + "; bh="
                + Base64.getEncoder().encodeToString(bodyHash) + "; b=";
        Signature ams = JdkimSigning.signer(algorithm, key);
        ams.update(DkimCanonical.signedHeader(DkimCanonical.select(header, signed), Field.of(unsignedAms), true));
        String amsText = JdkimSigning.fold(unsignedAms + Base64.getEncoder().encodeToString(ams.sign()));
        Field messageSignatureField = Field.of(amsText.substring(0, amsText.length() - 2));

        // RFC 8617 5.1.1: every ARC set in instance order, AAR, AMS, AS, this seal with an empty b=;
        // 5.1.2: a seal saying cv=fail covers its own set only
        String unsignedSeal = "ARC-Seal: i=" + instance + "; cv=" + cv + "; a=" + algorithm.tag() + "; d=" + domain + "; s=" + selector
                + "; t=" + now + "; b=";
        Signature seal = JdkimSigning.signer(algorithm, key);
        if (!cv.equals("fail")) {
            for (ArcSet set : chain.sets.values()) {
                update(seal, set.relaxed());
            }
        }
        update(seal, resultsField.relaxed() + "\r\n" + messageSignatureField.relaxed() + "\r\n" + Field.of(unsignedSeal).relaxed());
        String sealText = JdkimSigning.fold(unsignedSeal + Base64.getEncoder().encodeToString(seal.sign()));
        return (sealText + amsText + aar).getBytes(StandardCharsets.US_ASCII);
    }

    private static void update(Signature signature, String canonical) throws GeneralSecurityException {
        signature.update(canonical.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** One instance's header fields. */
    record ArcSet(Field resultsField, Field messageSignature, Field seal) {

        /** As an ARC-Seal signs an earlier set: its three fields, relaxed, each ending in CRLF (RFC 8617 5.1.1). */
        String relaxed() {
            return resultsField.relaxed() + "\r\n" + messageSignature.relaxed() + "\r\n" + seal.relaxed() + "\r\n";
        }
    }

    /** The ARC header fields of a message, by instance, and what a glance at them tells. */
    private static final class Chain {
        final TreeMap<Integer, ArcSet> sets = new TreeMap<>();
        /** The highest instance a field names (0 without any). */
        int highest;
        /** Instances 1 to {@link #highest}, each with exactly one field of each kind, and no other ARC field. */
        boolean wellFormed = true;
        /** A seal says cv=fail. */
        boolean failed;

        static Chain of(List<Field> header) {
            Chain chain = new Chain();
            Map<Integer, List<Field>> byInstance = new TreeMap<>();
            for (Field field : header) {
                if (!field.name().equals(SEAL) && !field.name().equals(MESSAGE_SIGNATURE) && !field.name().equals(RESULTS)) {
                    continue;
                }
                String value = field.value();
                if (field.name().equals(SEAL) && FAILED.matcher(value).find()) {
                    chain.failed = true;
                }
                Matcher instance = INSTANCE.matcher(value);
                // the AAR's instance comes first (RFC 8617 4.1.1), before the authserv-id
                boolean found = field.name().equals(RESULTS) ? instance.lookingAt() : instance.find();
                int i = found ? Integer.parseInt(instance.group(1)) : 0;
                if (i < 1 || i > 1000) {
                    chain.wellFormed = false;
                    continue;
                }
                chain.highest = Math.max(chain.highest, i);
                byInstance.computeIfAbsent(i, k -> new ArrayList<>()).add(field);
            }
            for (int i = 1; i <= chain.highest && chain.wellFormed; i++) {
                List<Field> fields = byInstance.getOrDefault(i, List.of());
                Optional<Field> aar = only(fields, RESULTS);
                Optional<Field> ams = only(fields, MESSAGE_SIGNATURE);
                Optional<Field> as = only(fields, SEAL);
                if (fields.size() != 3 || aar.isEmpty() || ams.isEmpty() || as.isEmpty()) {
                    chain.wellFormed = false;
                } else {
                    chain.sets.put(i, new ArcSet(aar.get(), ams.get(), as.get()));
                }
            }
            if (!chain.wellFormed) {
                chain.sets.clear();
            }
            return chain;
        }

        private static Optional<Field> only(List<Field> fields, String name) {
            List<Field> named = fields.stream().filter(f -> f.name().equals(name)).toList();
            return named.size() == 1 ? Optional.of(named.get(0)) : Optional.empty();
        }
    }

    /** jDKIM's tag=value list parser (RFC 6376 3.2): a tag twice or a malformed list is refused. */
    static final class Tags extends TagValue {
        private Tags(String data) {
            super(data);
        }

        /** The tags of an ARC field's value; null when they do not parse. */
        static Tags of(String value) {
            try {
                return new Tags(value);
            } catch (IllegalStateException | IllegalArgumentException e) {
                return null;
            }
        }

        String get(String tag) {
            CharSequence value = getValue(tag);
            return value == null ? null : value.toString();
        }

        boolean has(String... tags) {
            return getTags().containsAll(List.of(tags));
        }

        /** What {@code c=} asks for, relaxed/relaxed without one; null when it names a canonicalisation there is not. */
        Canonicalization canonicalization() {
            String c = get("c");
            return Canonicalization.of(c == null ? DEFAULT_CANONICALIZATION : c);
        }

        /** A base64 value with its folding white space taken out. */
        byte[] base64(String tag) {
            return Base64.getDecoder().decode(get(tag).replaceAll("[ \t\r\n]", ""));
        }
    }

    /** RFC 8617 5.2 on a chain that has sets and none saying cv=fail. */
    private final class Validation {
        private final List<Field> header;
        private final Chain chain;
        private final Instant deadline;
        /** Key records by selector and domain, each looked up once per message. */
        private final Map<String, Optional<DkimKeys.Record>> keys = new HashMap<>();

        Validation(List<Field> header, Chain chain, Instant deadline) {
            this.header = header;
            this.chain = chain;
            this.deadline = deadline;
        }

        /**
         * @param newest the tags of the newest ARC-Message-Signature (null when they do not parse)
         * @param body   its body hash, computed
         * @throws IOException DNS did not answer for a key in time
         */
        boolean valid(Tags newest, BodyHash body) throws IOException {
            if (!chain.wellFormed || newest == null || body == null || !messageSignatureValid(newest, body)) {
                return false;
            }
            for (int i : chain.sets.descendingKeySet()) {
                if (!sealValid(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean messageSignatureValid(Tags tags, BodyHash body) throws IOException {
            if (!tags.has("i", "a", "b", "bh", "d", "h", "s")) {
                return false;
            }
            Canonicalization canonicalization = tags.canonicalization();
            if (canonicalization == null || !canonicalization.relaxedHeader()) {
                return false; // RFC 8617 4.1.2: relaxed header canonicalisation only
            }
            List<String> names = new ArrayList<>();
            for (String name : tags.get("h").split(":")) {
                names.add(name.replaceAll("[ \t\r\n]", "").toLowerCase(Locale.ROOT));
            }
            if (names.contains(SEAL)) {
                return false; // RFC 8617 4.1.2
            }
            try {
                if (!MessageDigest.isEqual(body.digest(), tags.base64("bh"))) {
                    return false;
                }
                return verifies(tags, DkimCanonical.signedHeader(DkimCanonical.select(header, names),
                        chain.sets.get(chain.highest).messageSignature(), true));
            } catch (IllegalArgumentException e) {
                return false; // not base64
            }
        }

        private boolean sealValid(int instance) throws IOException {
            ArcSet set = chain.sets.get(instance);
            Tags tags = Tags.of(set.seal().value());
            if (tags == null || !tags.has("i", "a", "b", "cv", "d", "s") || tags.has("h")
                    || !tags.get("cv").strip().equalsIgnoreCase(instance == 1 ? "none" : "pass")) {
                return false;
            }
            StringBuilder signed = new StringBuilder();
            for (ArcSet earlier : chain.sets.headMap(instance).values()) {
                signed.append(earlier.relaxed());
            }
            signed.append(set.resultsField().relaxed()).append("\r\n").append(set.messageSignature().relaxed()).append("\r\n")
                    .append(set.seal().withoutSignature().relaxed());
            try {
                return verifies(tags, signed.toString().getBytes(StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** The signature of {@code a=}, {@code b=}, {@code d=} and {@code s=} over the canonical header data, with DkimVerifier's key rules. */
        private boolean verifies(Tags tags, byte[] canonical) throws IOException {
            String algorithm = tags.get("a").strip().toLowerCase(Locale.ROOT);
            if (!algorithm.equals("rsa-sha256") && !algorithm.equals("ed25519-sha256")) {
                return false; // RFC 8301: no rsa-sha1
            }
            String keyType = algorithm.substring(0, algorithm.indexOf('-'));
            String selector = tags.get("s").strip();
            String domain = tags.get("d").strip();
            String name = selector + "._domainkey." + domain.toLowerCase(Locale.ROOT);
            Optional<DkimKeys.Record> found = keys.get(name);
            if (found == null) {
                try {
                    found = Optional.ofNullable(DkimKeys.lookUp(dns, selector, domain, deadline));
                } catch (DnsClient.DnsTimeoutException e) {
                    throw new IOException("the ARC chain cannot be validated: " + e.getMessage(), e);
                }
                keys.put(name, found);
            }
            DkimKeys.Record key = found.orElse(null);
            if (key == null || key.revoked() || !key.isKeyTypeSupported(keyType) || !key.isHashMethodSupported("sha256")) {
                return false;
            }
            try {
                PublicKey publicKey = key.publicKey(keyType);
                if (DkimKeys.refusal(publicKey) != null) {
                    return false;
                }
                Signature check = keyType.equals("rsa") ? Signature.getInstance("SHA256withRSA") : new Ed25519OverSha256();
                check.initVerify(publicKey);
                check.update(canonical);
                return check.verify(tags.base64("b"));
            } catch (GeneralSecurityException | IllegalStateException e) {
                return false;
            }
        }
    }

}
