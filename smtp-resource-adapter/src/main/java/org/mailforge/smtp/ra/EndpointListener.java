package org.mailforge.smtp.ra;

import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.util.List;

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
 * The engine's listener for one activation: each call borrows a message endpoint (an MDB instance
 * from the container's pool), invokes it and gives it back. Refusals are handed over in batches,
 * off the sessions' threads ({@link RefusalReports}).
 */
final class EndpointListener implements SmtpMessageListener, AutoCloseable {

    private final MessageEndpointFactory factory;
    private final RefusalReports refusals;

    EndpointListener(MessageEndpointFactory factory) {
        this.factory = factory;
        this.refusals = new RefusalReports(batch -> call(listener -> {
            listener.refused(batch);
            return null;
        }), "smtp-refusal-reports");
    }

    @Override
    public void refused(List<Refusal> batch) {
        refusals.report(batch);
    }

    @Override
    public void close() {
        refusals.close();
    }

    @Override
    public Reply deliver(InboundMessage message) {
        return call(listener -> listener.deliver(message));
    }

    @Override
    public boolean isLocalDomain(String domain) {
        return call(listener -> listener.isLocalDomain(domain));
    }

    @Override
    public Reply verifyRecipient(String address) {
        return call(listener -> listener.verifyRecipient(address));
    }

    @Override
    public Reply verifyRecipient(String reversePath, String address) {
        return call(listener -> listener.verifyRecipient(reversePath, address));
    }

    @Override
    public ServerCertificate serverCertificate() {
        return call(SmtpMessageListener::serverCertificate);
    }

    @Override
    public ScreeningScope screeningScope() {
        return call(SmtpMessageListener::screeningScope);
    }

    @Override
    public ClientScreening screenClient(String address) {
        return call(listener -> listener.screenClient(address));
    }

    @Override
    public void greetingTest(String address, boolean waited) {
        call(listener -> {
            listener.greetingTest(address, waited);
            return null;
        });
    }

    @Override
    public Reply screenRecipient(InboundRecipient recipient) {
        return call(listener -> listener.screenRecipient(recipient));
    }

    @Override
    public Reply screenSubmission(String user, String sender, String recipient, int recipients) {
        return call(listener -> listener.screenSubmission(user, sender, recipient, recipients));
    }

    @Override
    public Reply verifySender(String user, String address) {
        return call(listener -> listener.verifySender(user, address));
    }

    @Override
    public AuthenticationResult authenticate(String username, char[] password) {
        return call(listener -> listener.authenticate(username, password));
    }

    @Override
    public Reply startQueueRun(String domain) {
        return call(listener -> listener.startQueueRun(domain));
    }

    @Override
    public TurnResult turn(String user, List<String> domains) {
        return call(listener -> listener.turn(user, domains));
    }

    @Override
    public void turned(String id, List<RecipientReply> results) {
        call(listener -> {
            listener.turned(id, results);
            return null;
        });
    }

    private <T> T call(java.util.function.Function<SmtpMessageListener, T> invocation) {
        MessageEndpoint endpoint;
        try {
            endpoint = factory.createEndpoint(null);
        } catch (UnavailableException e) {
            throw new IllegalStateException("message endpoint unavailable", e);
        }
        try {
            return invocation.apply((SmtpMessageListener) endpoint);
        } finally {
            endpoint.release();
        }
    }
}
