package org.mailforge.infrastructure.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.application.verification.AuthenticationResults.Dkim;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.infrastructure.outbound.TestDnsServer;
import org.mailforge.smtp.spi.MessageContent;

/**
 * The published test vectors of RFC 8463, Appendix A: a message signed by the RFC's authors with
 * Ed25519 (RFC 8032's test key) and RSA, and the two keys as the RFC's DNS records give them. Our
 * verifier judges them on any machine, with no second implementation at hand (dkimpy judges our
 * own signatures elsewhere): both pass, and any change to what they sign fails them.
 */
class DkimVectorsTest {

    /** RFC 8463 A.2. */
    private static final String ED25519_RECORD = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    private static final String RSA_RECORD = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5b"
            + "dOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryO"
            + "TIKT+l/K4w3QIDAQAB";

    /** RFC 8463 A.3, line for line (CRLF line ends, as the message travels). */
    private static final String SIGNED = String.join("\r\n",
            "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
            " subject : date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
            " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
            "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
            " d=football.example.com; i=@football.example.com;",
            " q=dns/txt; s=test; t=1528637909; h=from : to : subject :",
            " date : message-id : from : subject : date;",
            " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
            " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3",
            " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz",
            " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
            "From: Joe SixPack <joe@football.example.com>",
            "To: Suzie Q <suzie@shopping.example.net>",
            "Subject: Is dinner ready?",
            "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
            "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
            "",
            "Hi.",
            "",
            "We lost the game.  Are you hungry yet?",
            "",
            "Joe.",
            "");

    private static TestDnsServer dns;
    private static DkimVerifier verifier;

    @BeforeAll
    static void publishTheRfcsKeys() throws Exception {
        dns = TestDnsServer.zone()
                .txt("brisbane._domainkey.football.example.com", ED25519_RECORD)
                .txt("test._domainkey.football.example.com", RSA_RECORD)
                .serve();
        verifier = new DkimVerifier(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static List<String> results(String message) throws Exception {
        List<Dkim> results = verifier.verify(MessageContent.of(message.getBytes(StandardCharsets.US_ASCII)), Instant.now().plusSeconds(5));
        return results.stream().map(result -> result.algorithm() + " " + result.selector() + " " + result.result()).toList();
    }

    @Test
    void bothSignaturesOfTheRfcsExamplePass() throws Exception {
        assertEquals(List.of("ed25519-sha256 brisbane pass", "rsa-sha256 test pass"), results(SIGNED));
    }

    @Test
    void aChangedBodyOrSignedFieldFailsBoth() throws Exception {
        assertEquals(List.of("ed25519-sha256 brisbane fail", "rsa-sha256 test fail"),
                results(SIGNED.replace("Are you hungry yet?", "Are you hungry now?")));
        assertEquals(List.of("ed25519-sha256 brisbane fail", "rsa-sha256 test fail"),
                results(SIGNED.replace("Subject: Is dinner ready?", "Subject: Is lunch ready?")));
    }

    @Test
    void whitespaceThatRelaxedCanonicalisationIgnoresChangesNothing() throws Exception {
        assertEquals(List.of("ed25519-sha256 brisbane pass", "rsa-sha256 test pass"),
                results(SIGNED.replace("Subject: Is dinner ready?", "Subject:  Is dinner   ready?  ").replace("Joe.\r\n", "Joe.  \r\n\r\n\r\n")));
    }
}
