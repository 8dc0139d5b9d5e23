package org.mailforge.smtp.spi;

import java.io.Serializable;
import java.time.Duration;

/**
 * What the application says about a client that connected to the MX listener, before it is
 * greeted (postscreen's tests, Postfix's words): refuse it now, or hold its greeting back for a
 * while to see whether it talks first (the early-talker test), and the score its address got
 * (DNSBL weights; negative for an allow-list), which later checks of the session see again.
 *
 * @param greetingHold     how long to wait before the greeting; a client that sends anything meanwhile is refused
 * @param refusal          the greeting to give instead of {@code 220} ({@code 554 5.7.1}), or null
 * @param score            the sum of the weights of the DNS lists that name the client (0 when none)
 * @param screenRecipients whether the recipients of this client's unauthenticated mail go to
 *                         {@link SmtpMessageListener#screenRecipient} (greylisting)
 */
public record ClientScreening(Duration greetingHold, Reply refusal, int score, boolean screenRecipients) implements Serializable {

    /** Nothing known against the client: greet it at once, take its recipients unscreened. */
    public static final ClientScreening PASS = new ClientScreening(Duration.ZERO, null, 0, false);

    /** Greet it at once; screen its recipients. */
    public static final ClientScreening RECIPIENTS_ONLY = new ClientScreening(Duration.ZERO, null, 0, true);

    public ClientScreening {
        if (greetingHold == null || greetingHold.isNegative()) {
            throw new IllegalArgumentException("greetingHold must be zero or more");
        }
        if (refusal != null && refusal.code() < 400) {
            throw new IllegalArgumentException("a refusal is a 4xx or 5xx reply");
        }
    }
}
