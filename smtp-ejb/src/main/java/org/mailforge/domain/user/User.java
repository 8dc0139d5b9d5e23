package org.mailforge.domain.user;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A mail user: logs in with SMTP AUTH and to the admin API, owns the mailbox of its email
 * address. The password is only ever held as an Argon2id hash.
 */
@Entity
@Table(name = "users")
public class User {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, length = 64)
    private String username;

    @Column(nullable = false, unique = true, length = 320)
    private String email;

    @Column(name = "password_hash", nullable = false, length = 255)
    private String passwordHash;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_login")
    private Instant lastLogin;

    @Column(name = "quota_mb", nullable = false)
    private long quotaMb;

    @Column(name = "used_bytes", nullable = false)
    private long usedBytes;

    @Column(nullable = false)
    private boolean enabled;

    @Column(nullable = false)
    private boolean admin;

    @Column(name = "messages_sent", nullable = false)
    private long messagesSent;

    /** What a change may touch: saving a user writes exactly the fields changed since it was read. */
    public enum Editable { EMAIL, PASSWORD, QUOTA, ENABLED, ADMIN }

    /** The fields set since this object was read (null: none); never stored. */
    @jakarta.persistence.Transient
    private transient java.util.EnumSet<Editable> changed;

    protected User() {
        // for JPA
    }

    public User(String username, String email, String passwordHash, long quotaMb, boolean admin, Instant createdAt) {
        this.username = username;
        this.email = email;
        this.passwordHash = passwordHash;
        this.quotaMb = quotaMb;
        this.admin = admin;
        this.enabled = true;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getUsername() {
        return username;
    }

    public String getEmail() {
        return email;
    }

    public void setEmail(String email) {
        this.email = email;
        changed(Editable.EMAIL);
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
        changed(Editable.PASSWORD);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getLastLogin() {
        return lastLogin;
    }

    public void setLastLogin(Instant lastLogin) {
        this.lastLogin = lastLogin;
    }

    public long getQuotaMb() {
        return quotaMb;
    }

    public void setQuotaMb(long quotaMb) {
        this.quotaMb = quotaMb;
        changed(Editable.QUOTA);
    }

    public long getUsedBytes() {
        return usedBytes;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
        changed(Editable.ENABLED);
    }

    public boolean isAdmin() {
        return admin;
    }

    public void setAdmin(boolean admin) {
        this.admin = admin;
        changed(Editable.ADMIN);
    }

    public long getMessagesSent() {
        return messagesSent;
    }

    private void changed(Editable field) {
        if (changed == null) {
            changed = java.util.EnumSet.noneOf(Editable.class);
        }
        changed.add(field);
    }

    /**
     * The fields set since this object was read: what saving it writes, so a save never puts back
     * what another writer changed meanwhile (a password, a disabled flag, the used space).
     */
    public java.util.Set<Editable> changes() {
        return changed == null ? java.util.Set.of() : java.util.Set.copyOf(changed);
    }

    /** Used space in MB with one decimal, as the API shows it. */
    public double usedMb() {
        return Math.round(usedBytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    /** Whether {@code additionalBytes} more would exceed the quota (a quota of 0 means unlimited). */
    public boolean wouldExceedQuota(long additionalBytes) {
        return quotaMb > 0 && usedBytes + additionalBytes > quotaMb * 1024 * 1024;
    }
}
