package org.mailforge.smtp.spi;

import java.io.Serializable;

/**
 * A DELIVERBY request (RFC 2852 {@code BY=<time>;<mode>[T]}), carried with the message for the
 * outbound queue to honour.
 *
 * @param seconds the by-time: seconds after receipt (negative only with {@code notifyOnly})
 * @param returnOnFailure mode R: fail the delivery and return the message when the time is up;
 *                        otherwise mode N: only notify the sender and keep trying
 * @param trace the T flag: report delivery timing in DSNs
 */
public record DeliverBy(long seconds, boolean returnOnFailure, boolean trace) implements Serializable {
}
