package org.mailforge.infrastructure.verification;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.verification.AuthenticationResults;
import org.mailforge.application.verification.MessageAuthentication;
import org.mailforge.infrastructure.dkim.DkimVerifier;
import org.mailforge.infrastructure.dns.DnsBreaker;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.smtp.spi.InboundMessage;

/**
 * SPF, DKIM and DMARC against DNS ({@code SMTP_DNS_SERVER}, or the system's resolver), all three
 * within {@link #BUDGET} per message: a DNS that answers slowly delays mail by seconds, then its
 * checks say {@code temperror}.
 */
@ApplicationScoped
public class DnsMessageAuthentication implements MessageAuthentication {

    private static final Logger LOG = Logger.getLogger(DnsMessageAuthentication.class.getName());

    /** All DNS questions for one message are answered within this, or count as temporary errors. */
    static final Duration BUDGET = Duration.ofSeconds(6);

    @Inject
    ServerConfiguration configuration;

    private DnsClient dns;
    private SpfVerifier spf;
    private DkimVerifier dkim;
    private DmarcEvaluator dmarc;

    @PostConstruct
    void init() {
        dns = DnsClient.forChecks(configuration.outbound().dnsServer(), new DnsBreaker(configuration.outbound().dnsFailureThreshold(),
                configuration.outbound().dnsFailurePause(), java.time.Clock.systemUTC()));
        spf = new SpfVerifier(dns, configuration.listener().hostname());
        dkim = new DkimVerifier(dns);
        dmarc = new DmarcEvaluator(dns);
    }

    @Override
    public AuthenticationResults.Spf spf(String clientAddress, String mailFrom, String helo) {
        return spf.check(clientAddress, mailFrom, helo == null ? "" : helo, Instant.now().plus(BUDGET));
    }

    @Override
    public List<String> problems() {
        return dns.problem().stream().toList();
    }

    @Override
    public AuthenticationResults check(InboundMessage message, MessageHeaders.HeaderBlock headers) {
        Instant deadline = Instant.now().plus(BUDGET);
        AuthenticationResults.Spf spfResult = spf.check(message.clientAddress(), message.reversePath(), message.heloName(), deadline);
        List<AuthenticationResults.Dkim> signatures = signatures(message, headers, deadline);
        // RFC 7489 6.6.1: no From, several, one that cannot be read or one past what is read: not a message we take
        String fromDomain = MessageHeaders.authors(headers).singleFromDomain().orElse(null);
        return new AuthenticationResults(spfResult, signatures, dmarc.evaluate(fromDomain, spfResult, signatures, deadline));
    }

    @Override
    public List<AuthenticationResults.Dkim> signatures(InboundMessage message, MessageHeaders.HeaderBlock headers) {
        return signatures(message, headers, Instant.now().plus(BUDGET));
    }

    private List<AuthenticationResults.Dkim> signatures(InboundMessage message, MessageHeaders.HeaderBlock block, Instant deadline) {
        try {
            // the message is read through (its body streamed once) only when it is signed
            return !block.has("dkim-signature") ? List.of() : dkim.verify(message.content(), deadline);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "session " + message.sessionId() + ": DKIM signatures not checked", e);
            return List.of(new AuthenticationResults.Dkim("temperror", null, null, null, null, "the message could not be read"));
        }
    }
}
