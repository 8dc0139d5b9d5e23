package org.mailforge.domain.dkim;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A DKIM key pair of a local domain under one selector. The private key is kept as the
 * application hands it over (sealed when the server has an encryption key) and never leaves
 * the server; the public key is the {@code p=} value of the DNS record to publish.
 */
@Entity
@Table(name = "dkim_keys")
public class DkimKey {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, length = 253)
    private String domain;

    @Column(nullable = false, length = 63)
    private String selector;

    @Column(nullable = false, length = 32)
    private String algorithm;

    @Column(name = "private_key", nullable = false)
    private String privateKey;

    @Column(name = "public_key", nullable = false)
    private String publicKey;

    @Column(nullable = false)
    private boolean active;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected DkimKey() {
        // for JPA
    }

    public DkimKey(String domain, String selector, DkimAlgorithm algorithm, String privateKey, String publicKey, Instant createdAt) {
        this.domain = domain;
        this.selector = selector;
        this.algorithm = algorithm.tag();
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public String getDomain() {
        return domain;
    }

    public String getSelector() {
        return selector;
    }

    public DkimAlgorithm getAlgorithm() {
        return DkimAlgorithm.of(algorithm).orElseThrow(() -> new IllegalStateException("unknown DKIM algorithm " + algorithm));
    }

    /** PKCS#8 in base64, or sealed (see the application's key sealing). */
    public String getPrivateKey() {
        return privateKey;
    }

    public String getPublicKey() {
        return publicKey;
    }

    public boolean isActive() {
        return active;
    }

    public void setActive(boolean active) {
        this.active = active;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    /** The TXT record to publish at {@code <selector>._domainkey.<domain>}. */
    public String dnsRecord() {
        return "v=DKIM1; k=" + getAlgorithm().keyType() + "; p=" + publicKey;
    }

    /** Where the record goes. */
    public String dnsName() {
        return selector + "._domainkey." + domain;
    }
}
