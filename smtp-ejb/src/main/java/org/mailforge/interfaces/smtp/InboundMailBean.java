package org.mailforge.interfaces.smtp;

import java.util.List;

import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;

import org.mailforge.application.certificates.ServerCertificates;
import org.mailforge.application.users.AuthenticationService;
import org.mailforge.application.inbound.MailDeliveryService;
import org.mailforge.application.inbound.SenderIdentity;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.application.outbound.DeliveryAgent;
import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.application.outbound.SendingGuardrails;
import org.mailforge.application.screening.ClientScreeningService;
import org.mailforge.application.screening.Greylisting;
import org.mailforge.application.trace.TraceLog;
import org.mailforge.smtp.spi.AuthenticationResult;
import org.mailforge.smtp.spi.ClientScreening;
import org.mailforge.smtp.spi.InboundRecipient;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.ScreeningScope;
import org.mailforge.smtp.spi.ServerCertificate;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SmtpMessageListener;
import org.mailforge.smtp.spi.TurnResult;

/**
 * Receives the mail the SMTP resource adapter accepted. The listener's address, port and limits
 * come from server.xml ({@code activationSpec id="smtp-ear/smtp-ejb/InboundMailBean"}), never
 * from annotations here, which would override the administrator's settings.
 *
 * <p>Bean-managed: the delivery service commits its own transaction before the reply goes out.
 */
@MessageDriven(name = "InboundMailBean", messageListenerInterface = SmtpMessageListener.class)
@TransactionManagement(TransactionManagementType.BEAN)
public class InboundMailBean implements SmtpMessageListener {

    @Inject
    MailDeliveryService delivery;

    @Inject
    AuthenticationService authentication;

    @Inject
    SenderIdentity senders;

    @Inject
    OutboundQueueService queue;

    @Inject
    DeliveryAgent agent;

    @Inject
    MailDirectory directory;

    @Inject
    ClientScreeningService screening;

    @Inject
    Greylisting greylisting;

    @Inject
    TraceLog trace;

    @Inject
    SendingGuardrails guardrails;

    @Inject
    ServerCertificates certificates;

    @Override
    public Reply deliver(InboundMessage message) {
        return delivery.deliver(message);
    }

    @Override
    public boolean isLocalDomain(String domain) {
        return directory.isLocal(domain);
    }

    @Override
    public Reply verifyRecipient(String address) {
        return delivery.verifyRecipient("", address);
    }

    @Override
    public Reply verifyRecipient(String reversePath, String address) {
        return delivery.verifyRecipient(reversePath, address);
    }

    @Override
    public ServerCertificate serverCertificate() {
        return certificates.current().orElse(null);
    }

    @Override
    public ScreeningScope screeningScope() {
        return screening.scope();
    }

    @Override
    public ClientScreening screenClient(String address) {
        return screening.screen(address);
    }

    @Override
    public void greetingTest(String address, boolean waited) {
        screening.greetingTest(address, waited);
    }

    @Override
    public Reply screenRecipient(InboundRecipient recipient) {
        return greylisting.screen(recipient);
    }

    @Override
    public Reply screenSubmission(String user, String sender, String recipient, int recipients) {
        return guardrails.screenSubmission(user, sender, recipient, recipients);
    }

    @Override
    public Reply verifySender(String user, String address) {
        return senders.verify(user, address);
    }

    @Override
    public Reply startQueueRun(String domain) {
        return queue.startRun(domain);
    }

    @Override
    public TurnResult turn(String user, List<String> domains) {
        return queue.turn(user, domains);
    }

    @Override
    public void refused(List<Refusal> refusals) {
        trace.refused(refusals);
    }

    @Override
    public void turned(String id, List<RecipientReply> results) {
        agent.recordTurn(id, results);
    }

    @Override
    public AuthenticationResult authenticate(String username, char[] password) {
        AuthenticationService.Outcome outcome = authentication.authenticate(username, password);
        return switch (outcome.verdict()) {
            case SUCCESS -> AuthenticationResult.success(outcome.user().getUsername());
            case BUSY, BLOCKED -> AuthenticationResult.temporaryFailure();
            case FAILURE -> AuthenticationResult.failure();
        };
    }
}
