package org.mailforge.domain.directory;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A domain this server takes mail for, added through the API (its name in lower-case A-label form). */
@Entity
@Table(name = "domains")
public class LocalDomain {

    @Id
    @Column(nullable = false, length = 253)
    private String name;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected LocalDomain() {
        // for JPA
    }

    public LocalDomain(String name, Instant createdAt) {
        this.name = name;
        this.createdAt = createdAt;
    }

    public String getName() {
        return name;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
