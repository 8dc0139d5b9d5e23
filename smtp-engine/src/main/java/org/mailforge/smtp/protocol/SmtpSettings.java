package org.mailforge.smtp.protocol;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import org.mailforge.smtp.spi.Domains;

/**
 * Everything the protocol engine needs to know about its deployment. Immutable; one instance is
 * shared by every session of a listener.
 *
 * @param hostname         the name this server gives in its greeting and Received: headers
 * @param localDomains     domains this server accepts mail for without authentication; the
 *                         hostname and {@code localhost} are always among them
 * @param maxMessageSize   largest message in octets, advertised as SIZE
 * @param maxRecipients    recipients per transaction
 * @param idleTimeout      how long a client may stay silent
 * @param maxSessionTime   how long one session may last in total
 * @param maxBadCommands   errors tolerated before the session is closed
 * @param memoryThreshold  messages up to this size are buffered in memory, larger ones spooled
 * @param spoolDirectory   where larger messages are spooled while the transaction completes
 * @param authRequired     whether MAIL needs a successful AUTH first (SMTP_ENABLE_AUTH)
 * @param relayEnabled     whether authenticated users may send to other domains (needs outbound delivery)
 * @param plaintextAuthAllowed whether AUTH may be used before STARTTLS when TLS is available
 * @param deliverByMinimum the smallest DELIVERBY time (seconds) accepted with mode R, advertised in EHLO
 * @param receivedShowsLogin whether our Received: header names the authenticated login (SMTP_RECEIVED_SHOW_LOGIN)
 * @param senderLoginMatch whether an authenticated user may send only from its own addresses (SMTP_SENDER_LOGIN_MATCH)
 */
public record SmtpSettings(String hostname,
                           Set<String> localDomains,
                           long maxMessageSize,
                           int maxRecipients,
                           Duration idleTimeout,
                           Duration maxSessionTime,
                           int maxBadCommands,
                           int memoryThreshold,
                           Path spoolDirectory,
                           boolean authRequired,
                           boolean relayEnabled,
                           boolean plaintextAuthAllowed,
                           long deliverByMinimum,
                           boolean receivedShowsLogin,
                           boolean senderLoginMatch) {

    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    public static final int MAX_COMMAND_LINE = 512;

    /** RFC 5321 4.5.3.1.6: a line of message text is at most 1000 octets including CRLF. */
    public static final int MAX_TEXT_LINE = 1000;

    /** RFC 4954 4: an AUTH command or response line may be up to 12288 octets. */
    public static final int MAX_AUTH_LINE = 12_288;

    /** Failed AUTH attempts tolerated in one session before it is closed. */
    public static final int MAX_AUTH_FAILURES = 3;

    public SmtpSettings {
        hostname = hostname.toLowerCase(Locale.ROOT);
        localDomains = Domains.localSet(hostname, localDomains);
        if (maxMessageSize <= 0 || maxRecipients <= 0 || maxBadCommands <= 0 || memoryThreshold < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Whether mail for this domain is delivered here; U-labels and A-labels (IDNA) match alike. */
    public boolean isLocalDomain(String domain) {
        return Domains.isLocal(localDomains, domain);
    }

}
