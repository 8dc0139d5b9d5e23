package org.mailforge.smtp.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The state of one mail transaction, from MAIL to the end of data (RFC 5321 3.3). */
public final class Transaction {

    private final MailPath reversePath;
    private final boolean smtpUtf8;
    private final List<MailPath> recipients = new ArrayList<>();

    public Transaction(MailPath reversePath, boolean smtpUtf8) {
        this.reversePath = reversePath;
        this.smtpUtf8 = smtpUtf8;
    }

    public MailPath reversePath() {
        return reversePath;
    }

    public boolean smtpUtf8() {
        return smtpUtf8;
    }

    public List<MailPath> recipients() {
        return Collections.unmodifiableList(recipients);
    }

    void addRecipient(MailPath recipient) {
        recipients.add(recipient);
    }
}
