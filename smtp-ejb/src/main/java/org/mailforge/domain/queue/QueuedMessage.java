package org.mailforge.domain.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

/**
 * A message waiting for delivery to one destination domain. A message for several remote
 * domains becomes one queue entry per domain, so one slow destination never delays the others.
 * The content lives in the queue spool ({@link #getContentFile()}); this row is its state.
 */
@Entity
@Table(name = "outbound_messages")
public class QueuedMessage {

    @Id
    @Column(length = 40)
    private String id;

    /** Envelope sender; empty for the null reverse path of bounces. */
    @Column(nullable = false, length = 320)
    private String sender;

    @Column(nullable = false, length = 255)
    private String domain;

    @Column(length = 1000)
    private String subject;

    @Column(name = "size_bytes", nullable = false)
    private long sizeBytes;

    @Column(name = "content_file", nullable = false, length = 255)
    private String contentFile;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private QueueStatus status = QueueStatus.PENDING;

    @Column(nullable = false)
    private int attempts;

    @Column(name = "max_attempts", nullable = false)
    private int maxAttempts;

    @Column(name = "next_retry")
    private Instant nextRetry;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_error", length = 1000)
    private String lastError;

    /** When the last attempt that counted ran; null before the first. */
    @Column(name = "last_attempt_at")
    private Instant lastAttemptAt;

    /** When the entry gave up: failed entries are kept for inspection, then purged (SMTP_QUEUE_FAILED_RETENTION). */
    @Column(name = "failed_at")
    private Instant failedAt;

    /** While a delivery attempt runs, no other node or thread starts one (crash: it expires). */
    @Column(name = "lease_until")
    private Instant leaseUntil;

    /** RFC 2852 by-time, or null. */
    @Column(name = "deliver_by")
    private Instant deliverBy;

    /** RFC 2852 mode R (return at the deadline); false is mode N (notify, keep trying). */
    @Column(name = "deliver_by_return", nullable = false)
    private boolean deliverByReturn;

    @Column(name = "delay_notified", nullable = false)
    private boolean delayNotified;

    @Column(name = "smtp_utf8", nullable = false)
    private boolean smtpUtf8;

    @Column(name = "session_id", nullable = false, length = 32)
    private String sessionId;

    /** The login that submitted it; null for mail from other servers and our own. */
    @Column(name = "account", length = 320)
    private String account;

    @OneToMany(mappedBy = "message", cascade = CascadeType.ALL, orphanRemoval = true, fetch = FetchType.EAGER)
    @OrderBy("id")
    private List<QueuedRecipient> recipients = new ArrayList<>();

    protected QueuedMessage() {
        // for JPA
    }

    public QueuedMessage(String id, Envelope envelope, String domain, List<String> recipients,
                         String contentFile, int maxAttempts, Instant createdAt) {
        this.id = id;
        this.sender = envelope.sender();
        this.domain = domain;
        this.subject = envelope.subject() == null || envelope.subject().length() <= 1000
                ? envelope.subject() : envelope.subject().substring(0, 1000);
        this.sizeBytes = envelope.sizeBytes();
        this.smtpUtf8 = envelope.smtpUtf8();
        this.sessionId = envelope.sessionId();
        this.account = envelope.account();
        this.deliverBy = envelope.deliverBy();
        this.deliverByReturn = envelope.deliverByReturn();
        this.contentFile = contentFile;
        this.maxAttempts = maxAttempts;
        this.createdAt = createdAt;
        this.nextRetry = createdAt;
        recipients.forEach(address -> this.recipients.add(new QueuedRecipient(this, address)));
    }

    /**
     * What a queue entry knows about the message besides its recipients.
     *
     * @param deliverBy       the RFC 2852 deadline, or null
     * @param deliverByReturn mode R (true) or N (false)
     * @param account         the login that submitted it, or null
     */
    public record Envelope(String sender, String subject, long sizeBytes, boolean smtpUtf8, String sessionId,
                           Instant deliverBy, boolean deliverByReturn, String account) {

        public Envelope(String sender, String subject, long sizeBytes, boolean smtpUtf8, String sessionId,
                        Instant deliverBy, boolean deliverByReturn) {
            this(sender, subject, sizeBytes, smtpUtf8, sessionId, deliverBy, deliverByReturn, null);
        }
    }

    public boolean hasPendingRecipients() {
        return recipients.stream().anyMatch(QueuedRecipient::isPending);
    }

    public List<QueuedRecipient> pendingRecipients() {
        return recipients.stream().filter(QueuedRecipient::isPending).toList();
    }

    public List<QueuedRecipient> failedRecipients() {
        return recipients.stream().filter(r -> r.getStatus() == RecipientStatus.FAILED).toList();
    }

    /** Counts an attempt that reached (or tried to reach) the destination. */
    /**
     * Records an attempt. It counts against the maximum only when it ran when the retry schedule
     * allowed ({@code scheduledGap} after the last counted attempt): an attempt someone brought
     * forward (ETRN) costs the sender nothing, however often it is asked for.
     *
     * @return whether the attempt counted
     */
    public boolean attempted(String error, Instant now, java.time.Duration scheduledGap) {
        boolean counted = lastAttemptAt == null || !now.isBefore(lastAttemptAt.plus(scheduledGap));
        if (counted) {
            attempts++;
            lastAttemptAt = now;
        }
        lastError = error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
        leaseUntil = null;
        return counted;
    }

    /** When the next attempt is due by the retry schedule: {@code gap} after the last counted attempt, never before {@code now}. */
    public Instant dueAfter(java.time.Duration gap, Instant now) {
        Instant due = lastAttemptAt == null ? now.plus(gap) : lastAttemptAt.plus(gap);
        return due.isBefore(now) ? now : due;
    }

    public boolean attemptsExhausted() {
        return attempts >= maxAttempts;
    }

    /** Holds the entry until ETRN or ATRN asks for it (its domain is configured as held). */
    public void hold() {
        nextRetry = null;
    }

    /**
     * An administrator held it while an attempt was running: the outcome of that attempt is
     * recorded, the hold stands (a failed entry is done and stays failed).
     */
    public void heldMeanwhile() {
        if (status != QueueStatus.FAILED) {
            status = QueueStatus.HELD;
        }
    }

    /** After an ATRN turn that left recipients pending: still held, marked as retried. */
    public void attemptedWhileHeld() {
        status = QueueStatus.RETRY;
        leaseUntil = null;
    }

    /** Whether an attempt holds the entry now (on this node or another). */
    public boolean isLeased(Instant now) {
        return leaseUntil != null && leaseUntil.isAfter(now);
    }

    /** Ends a lease without an attempt. */
    public void release() {
        leaseUntil = null;
    }

    /** Schedules the next attempt. */
    public void retryAt(Instant when) {
        status = QueueStatus.RETRY;
        nextRetry = when;
        leaseUntil = null;
    }

    /** Gives up: every recipient still pending failed; the sender gets a bounce. */
    public void fail(String reason, Instant now) {
        failedAt = now;
        recipients.forEach(r -> r.giveUp(reason));
        if (reason != null) {
            lastError = reason.length() <= 1000 ? reason : reason.substring(0, 1000);
        }
        status = QueueStatus.FAILED;
        nextRetry = null;
        leaseUntil = null;
    }

    /** The administrator's "retry now": one more attempt, for failed recipients too. */
    public void forceRetry(Instant now) {
        recipients.forEach(QueuedRecipient::reopen);
        if (attempts >= maxAttempts) {
            maxAttempts = attempts + 1;
        }
        status = attempts == 0 ? QueueStatus.PENDING : QueueStatus.RETRY;
        nextRetry = now;
        leaseUntil = null;
        failedAt = null;
    }

    /** The DELIVERBY deadline in mode R, after which no attempt is made; null otherwise. */
    public Instant returnDeadline() {
        return deliverByReturn ? deliverBy : null;
    }

    /** Mode R of DELIVERBY: the deadline has passed, the message must be returned now. */
    public boolean deadlinePassed(Instant now) {
        return deliverBy != null && deliverByReturn && !now.isBefore(deliverBy);
    }

    /** Mode N of DELIVERBY: the deadline has passed and the sender has not been told yet. */
    public boolean needsDelayNotice(Instant now) {
        return deliverBy != null && !deliverByReturn && !delayNotified && !now.isBefore(deliverBy);
    }

    public void delayNotified() {
        this.delayNotified = true;
    }

    public String getId() {
        return id;
    }

    public String getSender() {
        return sender;
    }

    public boolean hasNullSender() {
        return sender.isEmpty();
    }

    public String getDomain() {
        return domain;
    }

    public String getSubject() {
        return subject;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public String getContentFile() {
        return contentFile;
    }

    public QueueStatus getStatus() {
        return status;
    }

    public int getAttempts() {
        return attempts;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public Instant getNextRetry() {
        return nextRetry;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public String getLastError() {
        return lastError;
    }

    public Instant getDeliverBy() {
        return deliverBy;
    }

    public boolean isSmtpUtf8() {
        return smtpUtf8;
    }

    /** The login that submitted it, or null. */
    public String getAccount() {
        return account;
    }

    public String getSessionId() {
        return sessionId;
    }

    public List<QueuedRecipient> getRecipients() {
        return List.copyOf(recipients);
    }
}
