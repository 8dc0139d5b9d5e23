package org.mailforge.smtp.spi;

/**
 * The message listener interface of the SMTP resource adapter: message-driven beans implement it
 * to take responsibility for received mail.
 *
 * <p>The reply returned is what the client sees after its end of data. An implementation returns a
 * positive reply only once the message is durable; any failure it cannot handle must become a
 * transient (4xx) reply or an exception, which the adapter turns into {@code 451 4.3.0}.
 */
public interface SmtpMessageListener {

    Reply deliver(InboundMessage message);

    /**
     * Checks credentials given with SMTP AUTH. Implementations compare in constant time and never
     * log the password; the caller wipes the array afterwards.
     *
     * @param username the authentication identity as the client sent it
     * @param password the password as the client sent it
     */
    AuthenticationResult authenticate(String username, char[] password);
}
