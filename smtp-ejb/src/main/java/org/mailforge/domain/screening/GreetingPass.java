package org.mailforge.domain.screening;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A client address that kept silent until its greeting (the early-talker test), and until when that is remembered. */
@Entity
@Table(name = "greeting_passes")
public class GreetingPass {

    @Id
    @Column(length = 45, nullable = false)
    private String address;

    @Column(name = "passed_until", nullable = false)
    private Instant passedUntil;

    protected GreetingPass() {
        // for JPA
    }

    public GreetingPass(String address, Instant passedUntil) {
        this.address = address;
        this.passedUntil = passedUntil;
    }

    public String getAddress() {
        return address;
    }

    public Instant getPassedUntil() {
        return passedUntil;
    }

    public void extend(Instant until) {
        this.passedUntil = until;
    }
}
