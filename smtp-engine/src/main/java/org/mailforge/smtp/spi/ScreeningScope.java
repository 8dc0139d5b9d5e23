package org.mailforge.smtp.spi;

import java.io.Serializable;

/**
 * Which of the MX listener's screening hooks the application wants called, asked once: a call
 * into the application costs a message endpoint per connection and per recipient, which a server
 * without screening should not pay.
 *
 * @param clients    call {@link SmtpMessageListener#screenClient} for every connection
 * @param recipients call {@link SmtpMessageListener#screenRecipient} for the recipients of
 *                   unauthenticated mail (when {@code clients}, the client's screening says so per connection)
 */
public record ScreeningScope(boolean clients, boolean recipients) implements Serializable {

    /** Every hook, for every connection. */
    public static final ScreeningScope ALL = new ScreeningScope(true, true);

    /** No screening at all. */
    public static final ScreeningScope NONE = new ScreeningScope(false, false);
}
