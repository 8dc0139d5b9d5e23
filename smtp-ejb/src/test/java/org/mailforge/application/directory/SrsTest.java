package org.mailforge.application.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** SRS0 addresses: made, read back, case-insensitive, refused when forged or older than 21 days. */
class SrsTest {

    private static final byte[] KEY = "a-secret-of-sixteen+".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static Srs at(Instant instant) {
        return new Srs(KEY, "mx.example.test", Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void aRewrittenSenderComesBackEvenInOtherCase() {
        String address = at(NOW).forward("Alice.Smith@Origin.Example");
        assertTrue(address.matches("SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=origin\\.example=Alice\\.Smith@mx\\.example\\.test"), address);
        assertEquals(Optional.of("Alice.Smith@origin.example"), at(NOW).reverse(address));
        assertEquals(Optional.of("alice.smith@origin.example"), at(NOW).reverse(address.toLowerCase()));
        assertEquals("", at(NOW).forward(""), "the null sender stays null");
    }

    @Test
    void forgedExpiredOrForeignAddressesAreRefused() {
        String address = at(NOW).forward("alice@origin.example");
        assertEquals(Optional.empty(), at(NOW).reverse(address.replace("=alice@", "=mallory@")), "another local part");
        assertEquals(Optional.empty(), at(NOW.plus(Duration.ofDays(22))).reverse(address), "older than 21 days");
        assertEquals(Optional.of("alice@origin.example"), at(NOW.plus(Duration.ofDays(21))).reverse(address));
        assertEquals(Optional.empty(), at(NOW).reverse(address.replace("@mx.example.test", "@other.example")), "not our domain");
        assertEquals(Optional.empty(), at(NOW).reverse("SRS0=x@mx.example.test"));
        assertEquals(Optional.empty(), new Srs("another-secret-of-16".getBytes(StandardCharsets.UTF_8), "mx.example.test",
                Clock.fixed(NOW, ZoneOffset.UTC)).reverse(address));
    }

    @Test
    void theHashHasFortyBitsAndNoShorterFormPasses() {
        String address = at(NOW).forward("alice@origin.example");
        String hash = address.substring(5, address.indexOf('=', 5));
        assertEquals(8, hash.length(), "8 base32 characters: 40 bits");
        assertEquals(Optional.empty(), at(NOW).reverse(address.replace("SRS0=" + hash, "SRS0=" + hash.substring(0, 4))),
                "the 20-bit form of earlier versions");
        assertEquals(Optional.empty(), at(NOW).reverse(address.replace("SRS0=" + hash, "SRS0=" + hash.substring(0, 7) + "A")
                .replace("SRS0=" + hash.substring(0, 7) + "A", "SRS0=" + hash.substring(0, 7) + (hash.endsWith("A") ? "B" : "A"))),
                "one character off");
    }

    @Test
    void theHashedFieldsAreSeparatedSoAnotherSplitOfTheSameTextFails() {
        String address = at(NOW).forward("mvictim@targetcorp.co");
        String hash = address.substring(5, address.indexOf('=', 5));
        String stamp = address.substring(address.indexOf('=', 5) + 1, address.indexOf('=', 5) + 3);
        assertEquals(Optional.empty(), at(NOW).reverse("SRS0=" + hash + "=" + stamp + "=targetcorp.com=victim@mx.example.test"),
                "co+mvictim is not com+victim");
    }
}
