package org.mailforge.application.verification;

import org.mailforge.application.common.MessageHeaders;
import org.mailforge.smtp.spi.InboundMessage;

/**
 * Checks who sent a received message: SPF for the client address and envelope, the DKIM
 * signatures, DMARC for the From: domain. Answers within seconds whatever DNS does (a check
 * that runs out of time says {@code temperror}); never throws for anything the message holds.
 */
public interface MessageAuthentication {

    /**
     * The checks of a message whose header block the caller has read already: one read of the
     * block serves the caller's own look at it (the authors) and every check here.
     */
    AuthenticationResults check(InboundMessage message, MessageHeaders.HeaderBlock headers);

    /**
     * SPF alone, for an envelope before its message arrives (greylisting asks at RCPT). An
     * implementation without DNS says {@code none}: never a pass it did not check.
     *
     * @param mailFrom the envelope sender, empty for the null sender
     */
    default AuthenticationResults.Spf spf(String clientAddress, String mailFrom, String helo) {
        return new AuthenticationResults.Spf("none", mailFrom, helo, null);
    }

    /**
     * The DKIM signatures' results alone (no SPF, no DMARC): what the refusal of spoofed local
     * domains needs when the other checks are off. Asks DNS only when the message is signed.
     */
    default java.util.List<AuthenticationResults.Dkim> signatures(InboundMessage message, MessageHeaders.HeaderBlock headers) {
        return check(message, headers).dkim();
    }

    /** Why the checks cannot do their work now (DNS not answering), for {@code /health}; empty when they can. */
    default java.util.List<String> problems() {
        return java.util.List.of();
    }
}
