package org.mailforge.domain.mail;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/** The index entry of one message delivered to one mailbox. */
@Entity
@Table(name = "stored_messages", indexes = {
    @Index(name = "idx_stored_messages_mailbox", columnList = "mailbox"),
    @Index(name = "idx_stored_messages_received", columnList = "received_at")})
public class StoredMessage {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 320)
    private String mailbox;

    @Column(name = "storage_key", nullable = false, length = 512)
    private String storageKey;

    @Column(name = "size_bytes", nullable = false)
    private long sizeBytes;

    @Column(name = "from_addr", nullable = false, length = 320)
    private String fromAddress;

    @Column(name = "session_id", nullable = false, length = 32)
    private String sessionId;

    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    protected StoredMessage() {
        // for JPA
    }

    public StoredMessage(StoredLocation location, String fromAddress, String sessionId, Instant receivedAt) {
        this.mailbox = location.mailbox();
        this.storageKey = location.key();
        this.sizeBytes = location.size();
        this.fromAddress = fromAddress;
        this.sessionId = sessionId;
        this.receivedAt = receivedAt;
    }

    public Long getId() {
        return id;
    }

    public String getMailbox() {
        return mailbox;
    }

    public String getStorageKey() {
        return storageKey;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public String getFromAddress() {
        return fromAddress;
    }

    public String getSessionId() {
        return sessionId;
    }

    public Instant getReceivedAt() {
        return receivedAt;
    }
}
