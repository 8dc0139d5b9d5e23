package org.mailforge.domain.directory;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An address of a local domain that reaches other addresses: local users, outside addresses,
 * other aliases. {@code *@domain} is the domain's catch-all: it takes what no user or alias of
 * the domain does.
 */
@Entity
@Table(name = "aliases")
public class Alias {

    /** The local part of a domain's catch-all alias. */
    public static final String CATCH_ALL = "*";

    @Id
    @Column(nullable = false)
    private String address;

    @Column(nullable = false, length = 253)
    private String domain;

    @Column(nullable = false)
    private String targets;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Alias() {
        // for JPA
    }

    /** @param address lower case, domain in A-label form; @param targets normalised addresses */
    public Alias(String address, List<String> targets, Instant createdAt) {
        this.address = address;
        this.domain = address.substring(address.lastIndexOf('@') + 1);
        this.targets = String.join("\n", targets);
        this.createdAt = createdAt;
    }

    public String getAddress() {
        return address;
    }

    public String getDomain() {
        return domain;
    }

    public List<String> getTargets() {
        return targets.isEmpty() ? List.of() : Arrays.asList(targets.split("\n"));
    }

    public void setTargets(List<String> targets) {
        this.targets = String.join("\n", targets);
    }

    public boolean isCatchAll() {
        return address.startsWith(CATCH_ALL + "@");
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
