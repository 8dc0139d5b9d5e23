package org.mailforge.domain.queue;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One envelope recipient of a queued message and what the destination last said about it. */
@Entity
@Table(name = "outbound_recipients")
public class QueuedRecipient {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(optional = false)
    @JoinColumn(name = "message_id", nullable = false)
    private QueuedMessage message;

    @Column(nullable = false, length = 320)
    private String address;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private RecipientStatus status = RecipientStatus.PENDING;

    @Column(name = "last_reply", length = 1000)
    private String lastReply;

    protected QueuedRecipient() {
        // for JPA
    }

    QueuedRecipient(QueuedMessage message, String address) {
        this.message = message;
        this.address = address;
    }

    public String getAddress() {
        return address;
    }

    public RecipientStatus getStatus() {
        return status;
    }

    public String getLastReply() {
        return lastReply;
    }

    public boolean isPending() {
        return status == RecipientStatus.PENDING;
    }

    /** Records the destination's reply: 2xx delivered, 5xx failed, anything else stays pending. */
    public void record(int code, String reply) {
        this.lastReply = truncate(reply);
        if (code >= 200 && code < 300) {
            status = RecipientStatus.DELIVERED;
        } else if (code >= 500) {
            status = RecipientStatus.FAILED;
        }
    }

    /** Gives up on a recipient still pending (attempts exhausted, deadline passed). */
    void giveUp(String reason) {
        if (status == RecipientStatus.PENDING) {
            status = RecipientStatus.FAILED;
            if (lastReply == null) {
                lastReply = truncate(reason);
            }
        }
    }

    /** An administrator's forced retry tries permanently failed recipients again too. */
    void reopen() {
        if (status == RecipientStatus.FAILED) {
            status = RecipientStatus.PENDING;
        }
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 1000 ? text : text.substring(0, 1000);
    }
}
