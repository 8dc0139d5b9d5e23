package org.mailforge.infrastructure.storage;

import java.time.Instant;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/** One stored copy of a message in the spec's {@code messages} table (SMTP_STORAGE_TYPE=database). */
@Entity
@Table(name = "messages")
public class DatabaseMessage {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    /** Unique per stored copy ({@code msg_...}); the message's own Message-ID is in the headers. */
    @Column(name = "message_id", unique = true)
    private String messageId;

    @Column(name = "\"user\"", nullable = false)
    private String user;

    @Column(nullable = false)
    private String folder;

    @Column(name = "from_addr")
    private String fromAddress;

    @Column(name = "to_addrs")
    private String toAddresses;

    private String subject;

    private Instant date;

    @Column(nullable = false)
    private long size;

    @Column(nullable = false)
    private String flags = "";

    @Lob
    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false)
    private byte[] body;

    private String headers;

    @Column(name = "body_text")
    private String bodyText;

    protected DatabaseMessage() {
        // for JPA
    }

    DatabaseMessage(String messageId, String user, String folder, ParsedMessage parsed, byte[] body) {
        this.messageId = messageId;
        this.user = user;
        this.folder = folder;
        this.fromAddress = parsed.from();
        this.toAddresses = parsed.to();
        this.subject = parsed.subject();
        this.date = parsed.date();
        this.size = body.length;
        this.body = body;
        this.headers = parsed.headers();
        this.bodyText = parsed.text();
    }

    /** The message's octets as stored. */
    byte[] body() {
        return body;
    }

    public Long getId() {
        return id;
    }

    public String getMessageId() {
        return messageId;
    }

    public String getUser() {
        return user;
    }

    public String getFolder() {
        return folder;
    }

    public String getFromAddress() {
        return fromAddress;
    }

    public String getToAddresses() {
        return toAddresses;
    }

    public String getSubject() {
        return subject;
    }

    public Instant getDate() {
        return date;
    }

    public long getSize() {
        return size;
    }

    public String getBodyText() {
        return bodyText;
    }
}
