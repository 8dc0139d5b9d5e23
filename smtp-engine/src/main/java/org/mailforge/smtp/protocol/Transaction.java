package org.mailforge.smtp.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.mailforge.smtp.spi.DeliverBy;

/** The state of one mail transaction, from MAIL to the end of data (RFC 5321 3.3). */
public final class Transaction {

    private final MailPath reversePath;
    private final boolean smtpUtf8;
    private final DeliverBy deliverBy;
    private final List<MailPath> recipients = new ArrayList<>();
    /** The message so far when it arrives in BDAT chunks; null until the first chunk. */
    private MessageBuffer chunks;
    /** Watches the chunks' line endings; null until the first chunk. */
    private LineEndings chunkLineEndings;
    /** Message octets received in BDAT chunks so far (the trace header not counted). */
    private long chunkOctets;

    public Transaction(MailPath reversePath, boolean smtpUtf8, DeliverBy deliverBy) {
        this.reversePath = reversePath;
        this.smtpUtf8 = smtpUtf8;
        this.deliverBy = deliverBy;
    }

    /** The DELIVERBY request, or null. */
    public DeliverBy deliverBy() {
        return deliverBy;
    }

    public MailPath reversePath() {
        return reversePath;
    }

    public boolean smtpUtf8() {
        return smtpUtf8;
    }

    private int named;

    public List<MailPath> recipients() {
        return Collections.unmodifiableList(recipients);
    }

    void addRecipient(MailPath recipient) {
        recipients.add(recipient);
        named++;
    }

    /** Recipients taken so far, a repeated one each time (each cost a lookup): what SMTP_MAX_RECIPIENTS bounds. */
    public int named() {
        return named;
    }

    /** A recipient named again: one copy, but it counts toward the limit. */
    public void namedAgain() {
        named++;
    }

    public MessageBuffer chunks() {
        return chunks;
    }

    public void chunks(MessageBuffer buffer) {
        this.chunks = buffer;
        this.chunkLineEndings = new LineEndings(buffer);
    }

    /** Where chunk content goes: into {@link #chunks()}, its line endings watched. */
    public LineEndings chunkSink() {
        return chunkLineEndings;
    }

    public long chunkOctets() {
        return chunkOctets;
    }

    public void chunkReceived(long octets) {
        chunkOctets += octets;
    }

    /** Releases what the transaction holds (a spooled BDAT message). */
    void discard() {
        if (chunks != null) {
            try {
                chunks.close();
            } catch (java.io.IOException ignored) {
                // only a spool file left behind in the spool folder
            }
            chunks = null;
        }
    }
}
