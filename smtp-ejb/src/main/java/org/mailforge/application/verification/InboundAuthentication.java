package org.mailforge.application.verification;

import org.mailforge.application.config.DmarcEnforcement;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.LogText;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.config.TrustConfiguration.LocalSpoofPolicy;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.Reply;

/**
 * The sender checks of mail from other servers, before its {@code 250}: runs them, writes the
 * {@code Authentication-Results:} field at the top of the message (our host name as the
 * authserv-id), counts the results, and applies {@code SMTP_DMARC_POLICY}. Mail from an
 * authenticated session (submission) is ours to vouch for and is not checked.
 *
 * <p>Whatever {@code SMTP_DMARC_POLICY} says, unauthenticated mail whose header From names a
 * local domain must carry a valid DKIM signature of that domain: anything else is a spoof of our
 * own domain ({@code SMTP_LOCAL_SPOOF_POLICY}: refused, or with {@code report} taken and logged).
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
    private LocalSpoofPolicy spoofPolicy;
    private MailDirectory directory;

    protected InboundAuthentication() {
        // for CDI's client proxy
    }

    @Inject
    public InboundAuthentication(MessageAuthentication checks, ServerConfiguration configuration, MailMetrics metrics,
            MailDirectory directory) {
        this.checks = checks;
        this.metrics = metrics;
        this.enforcement = configuration.trust().dmarcPolicy();
        this.authservId = configuration.listener().hostname();
        this.spoofPolicy = configuration.trust().localSpoofPolicy();
        this.directory = directory;
    }

    /** Why the sender checks cannot do their work now (DNS not answering); empty when they can. */
    public java.util.List<String> problems() {
        return checks.problems();
    }

    public Verdict check(InboundMessage message) {
        if (message.authenticatedUser() != null) {
            return new Accept(message, false, null);
        }
        MessageHeaders.HeaderBlock headers = MessageHeaders.block(message.content()); // read once, for every check below
        MessageHeaders.Authors authors = MessageHeaders.authors(headers);
        // every author a reader may be shown (From:, Sender:) that is one of our domains or below one
        List<String> ownDomains = authors.all().stream().map(MessageHeaders.Authors::domainOf).distinct()
                .filter(domain -> localParent(domain) != null).toList();
        // a From:/Sender: we cannot parse is a spoof when it shows one of our domains, and the rest of a header
        // block we did not read may hold one
        Reply unreadable = authors.readable() || authors.complete()
                && authors.shownDomains().stream().noneMatch(domain -> localParent(domain) != null) ? null : unreadable(message);
        if (enforcement == DmarcEnforcement.OFF) {
            Reply spoof = unreadable != null ? unreadable
                    : ownDomains.isEmpty() ? null : spoofed(message, ownDomains, checks.signatures(message, headers));
            return spoof != null ? new Refuse(spoof, null) : new Accept(message, false, null);
        }
        AuthenticationResults results = checks.check(message, headers);
        metrics.authenticationResults(results.byMethod());
        Reply spoof = unreadable != null ? unreadable : ownDomains.isEmpty() ? null : spoofed(message, ownDomains, results.dkim());
        if (spoof != null) {
            return new Refuse(spoof, results);
        }
        AuthenticationResults.Dmarc dmarc = results.dmarc();
        if (enforcement == DmarcEnforcement.ENFORCE && "temperror".equals(dmarc.result())) {
            // a policy we could not read is not a policy that lets the message through: a sender whose own domains
            // answer slowly used up the message's DNS time before the From: domain's record was asked (a spoof of a
            // p=reject domain then came through as temperror); under enforce it waits (RFC 7489 6.6.2 allows it)
            LOG.info(() -> "session " + message.sessionId() + ": deferred, the DMARC policy of "
                    + LogText.escape(String.valueOf(dmarc.fromDomain())) + " could not be read (temperror)");
            return new Refuse(Reply.of(451, "4.7.0", "Error: the sender's DMARC policy cannot be checked now, try again later"), results);
        }
        if (enforcement == DmarcEnforcement.ENFORCE && dmarc.failed() && "reject".equals(dmarc.policy())) {
            if (dmarc.fromDomain() == null) {
                LOG.info(() -> "session " + message.sessionId() + ": refused, not exactly one From: address (DMARC)");
                return new Refuse(Reply.of(550, "5.7.1", "Message rejected: DMARC needs exactly one From: address"), results);
            }
            LOG.info(() -> "session " + message.sessionId() + ": refused, DMARC policy of " + LogText.escape(dmarc.fromDomain())
                    + " is reject and the message fails it");
            return new Refuse(Reply.of(550, "5.7.1", "Message rejected: it fails the DMARC policy of " + dmarc.fromDomain()), results);
        }
        boolean junk = enforcement == DmarcEnforcement.ENFORCE && dmarc.failed() && "quarantine".equals(dmarc.policy());
        byte[] header = results.header(authservId).getBytes(StandardCharsets.US_ASCII);
        return new Accept(message.withContent(MessageContent.prefixed(header, message.content())), junk, results);
    }

    /**
     * The refusal of a message that names a local domain in its From: without that domain's valid
     * DKIM signature (null when every such domain signed it, or when the policy only reports).
     * Mail of our own users comes authenticated; mail that was signed here and comes back (a
     * mailing list) still carries our signature.
     */
    private Reply spoofed(InboundMessage message, List<String> ownDomains, List<AuthenticationResults.Dkim> signatures) {
        for (String domain : ownDomains) {
            String parent = localParent(domain);
            // a signature of the very domain, or of the local domain it lies under
            boolean signed = signatures.stream().anyMatch(s -> s.passed() && s.domain() != null
                    && (domain.equalsIgnoreCase(s.domain()) || parent.equalsIgnoreCase(s.domain())));
            if (signed) {
                continue;
            }
            boolean unchecked = signatures.stream().anyMatch(s -> "temperror".equals(s.result()) && s.domain() != null
                    && (domain.equalsIgnoreCase(s.domain()) || parent.equalsIgnoreCase(s.domain())));
            if (unchecked && spoofPolicy == LocalSpoofPolicy.REJECT) {
                // our own signature could not be checked (DNS failing): the message may well be ours; it waits, never a bounce
                return Reply.of(451, "4.7.0", "Error: the DKIM signature of " + domain + " cannot be checked now, try again later");
            }
            metrics.localSpoof(spoofPolicy == LocalSpoofPolicy.REJECT);
            if (spoofPolicy == LocalSpoofPolicy.REPORT) {
                LOG.info(() -> "session " + message.sessionId() + ": From: names the local domain " + LogText.escape(domain)
                        + " without its DKIM signature (SMTP_LOCAL_SPOOF_POLICY=report: taken)");
                continue;
            }
            LOG.info(() -> "session " + message.sessionId() + ": refused, From: names the local domain " + LogText.escape(domain)
                    + " without its DKIM signature and the client did not authenticate");
            return Reply.of(550, "5.7.1", "Message rejected: " + domain
                    + " is a domain of this server; its mail comes authenticated or signed by it");
        }
        return null;
    }

    /**
     * The refusal of unauthenticated mail whose From: or Sender: cannot be read (a group, a broken
     * address) and shows one of our domains, or that lies past the header bytes we read: mail
     * clients show something there that we could not check (null when the policy only reports).
     */
    private Reply unreadable(InboundMessage message) {
        metrics.localSpoof(spoofPolicy == LocalSpoofPolicy.REJECT);
        if (spoofPolicy == LocalSpoofPolicy.REPORT) {
            LOG.info(() -> "session " + message.sessionId() + ": From: or Sender: cannot be read (SMTP_LOCAL_SPOOF_POLICY=report: taken)");
            return null;
        }
        LOG.info(() -> "session " + message.sessionId() + ": refused, its From: or Sender: cannot be read and the client did not authenticate");
        return Reply.of(550, "5.7.1", "Message rejected: its From: or Sender: cannot be read");
    }

    /** The local domain this domain is or lies under ({@code hr.example.com} under {@code example.com}); null when none. */
    private String localParent(String domain) {
        String candidate = domain;
        while (!candidate.isEmpty()) {
            if (directory.isLocal(candidate)) {
                return candidate;
            }
            int dot = candidate.indexOf('.');
            if (dot < 0) {
                return null;
            }
            candidate = candidate.substring(dot + 1);
        }
        return null;
    }
}
