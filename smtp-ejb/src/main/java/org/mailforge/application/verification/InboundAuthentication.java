package org.mailforge.application.verification;

import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.LogText;
import org.mailforge.application.MailMetrics;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.Reply;

/**
 * The sender checks of mail from other servers, before its {@code 250}: runs them, writes the
 * {@code Authentication-Results:} field at the top of the message (our host name as the
 * authserv-id), counts the results, and applies {@code SMTP_DMARC_POLICY}. Mail from an
 * authenticated session (submission) is ours to vouch for and is not checked.
 */
@ApplicationScoped
public class InboundAuthentication {

    private static final Logger LOG = Logger.getLogger(InboundAuthentication.class.getName());

    /** What becomes of the message. */
    public sealed interface Verdict permits Refuse, Accept {
    }

    /** Refused: the sending domain asked receivers to reject mail that fails DMARC. */
    public record Refuse(Reply reply, AuthenticationResults results) implements Verdict {
    }

    /**
     * Taken: the message with its {@code Authentication-Results:}, whether the domain's policy
     * puts it in Junk, and the results (null when nothing was checked).
     */
    public record Accept(InboundMessage message, boolean junk, AuthenticationResults results) implements Verdict {
    }

    private MessageAuthentication checks;
    private MailMetrics metrics;
    private DmarcEnforcement enforcement;
    private String authservId;

    protected InboundAuthentication() {
        // for CDI's client proxy
    }

    @Inject
    public InboundAuthentication(MessageAuthentication checks, ServerConfiguration configuration, MailMetrics metrics) {
        this.checks = checks;
        this.metrics = metrics;
        this.enforcement = configuration.dmarcPolicy();
        this.authservId = configuration.hostname();
    }

    public Verdict check(InboundMessage message) {
        if (enforcement == DmarcEnforcement.OFF || message.authenticatedUser() != null) {
            return new Accept(message, false, null);
        }
        AuthenticationResults results = checks.check(message);
        metrics.authenticationResults(results.byMethod());
        AuthenticationResults.Dmarc dmarc = results.dmarc();
        if (enforcement == DmarcEnforcement.ENFORCE && dmarc.failed() && "reject".equals(dmarc.policy())) {
            LOG.info(() -> "session " + message.sessionId() + ": refused, DMARC policy of " + LogText.escape(dmarc.fromDomain())
                    + " is reject and the message fails it");
            return new Refuse(Reply.of(550, "5.7.1", "Message rejected: it fails the DMARC policy of " + dmarc.fromDomain()), results);
        }
        boolean junk = enforcement == DmarcEnforcement.ENFORCE && dmarc.failed() && "quarantine".equals(dmarc.policy());
        byte[] header = results.header(authservId).getBytes(StandardCharsets.US_ASCII);
        return new Accept(message.withContent(MessageContent.prefixed(header, message.content())), junk, results);
    }
}
