package org.mailforge.smtp.spi;

import java.util.List;

/**
 * The answer to ATRN (RFC 2645): a refusal, or the mail to deliver once the roles are reversed.
 *
 * @param refusal the reply when the turn is refused (not allowed, nothing waiting), else null
 * @param mail    what waits for the client's domains
 */
public record TurnResult(Reply refusal, List<HeldMail> mail) {

    public TurnResult {
        mail = List.copyOf(mail);
    }

    public static TurnResult refused(Reply reply) {
        return new TurnResult(reply, List.of());
    }

    public static TurnResult deliver(List<HeldMail> mail) {
        return new TurnResult(null, mail);
    }
}
