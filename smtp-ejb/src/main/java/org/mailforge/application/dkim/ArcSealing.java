package org.mailforge.application.dkim;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Instant;

import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Adds an ARC set (RFC 8617) to a message this server passes on, such as an alias's copy to an
 * outside address: the results of the checks made at receipt, signed and sealed with a DKIM key of
 * the domain that passes it on, so the next receiver can trust those results although forwarding
 * broke SPF (and DKIM where the message was changed). Infrastructure implements it.
 */
public interface ArcSealing {

    /** The highest instance RFC 8617 4.2.1 allows: a chain this long is not extended. */
    int MAX_INSTANCE = 50;

    /**
     * The new ARC set for the message, {@code ARC-Seal}, {@code ARC-Message-Signature} and
     * {@code ARC-Authentication-Results} in that order, each folded and ending in CRLF, to be put
     * above the message ({@link MessageContent#prefixed}). Its instance is one above the highest in
     * the message; the chain already there is validated first (RFC 8617 5.2, keys from DNS) and the
     * seal says {@code cv=none} (no chain), {@code pass} or {@code fail}. Empty when the chain must
     * not be extended: an ARC-Seal in it already says {@code cv=fail}, or it has
     * {@link #MAX_INSTANCE} sets. Prepending the empty array leaves the message as it was.
     *
     * <p>Receivers commonly validate {@code rsa-sha256} seals only (dkimpy and Mail::DKIM do): seal
     * with an RSA key where the domain has one.
     *
     * @param authservId the authserv-id of this server's Authentication-Results (RFC 8601 2.5)
     * @param results    the results found at receipt, after the authserv-id: {@code spf=pass
     *                   smtp.mailfrom=...; dkim=...; dmarc=...} (as in
     *                   {@code AuthenticationResults.results()}); folding allowed, ASCII only. This
     *                   server's ARC verdict is added as {@code arc=...} unless it names one
     * @param domain     the sealing domain ({@code d=}), whose key record is at {@code selector._domainkey.domain}
     * @param deadline   the keys of the existing chain are looked up in DNS by then
     * @throws IOException the message cannot be read, its header block is larger than the sealer
     *                     reads, or DNS did not answer for a key of the existing chain in time (nothing
     *                     can be said about the chain then: pass the message on unsealed, or retry)
     * @throws IllegalArgumentException an authserv-id, results, domain or selector that cannot be put in a header
     */
    byte[] seal(MessageContent content, String authservId, String results, String domain, String selector,
            DkimAlgorithm algorithm, PrivateKey key, Instant deadline) throws IOException, GeneralSecurityException;
}
