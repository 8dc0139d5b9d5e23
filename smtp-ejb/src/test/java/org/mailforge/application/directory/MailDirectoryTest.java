package org.mailforge.application.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mailforge.application.config.ServerConfiguration;

/** What an address reaches: users, aliases (nested, looping), tags, catch-alls, postmaster, SRS bounces; bounded. */
class MailDirectoryTest {

    private final InMemoryDirectory repository = new InMemoryDirectory().domain("team.example");

    private MailDirectory directory(String... settings) {
        Map<String, String> values = new HashMap<>(Map.of("SMTP_LOCAL_DOMAINS", "example.test", "SMTP_HOSTNAME", "mx.example.test",
                "SMTP_ADMIN_EMAIL", "admin@example.test", "SMTP_SRS_SECRET", "a-secret-of-sixteen+"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return new MailDirectory(repository, InMemoryDirectory.users("bob@example.test", "carol@team.example", "admin@example.test"),
                ServerConfiguration.load(name -> Optional.ofNullable(values.get(name))));
    }

    @Test
    void localDomainsAreConfiguredOnesAndThoseAdded() {
        MailDirectory directory = directory();
        assertTrue(directory.isLocal("example.test") && directory.isLocal("MX.example.test") && directory.isLocal("team.example"));
        assertFalse(directory.isLocal("elsewhere.example"));
        assertTrue(directory.isConfigured("example.test"));
        assertFalse(directory.isConfigured("team.example"));
        repository.domain("new.example");
        assertFalse(directory.isLocal("new.example"), "read again at most every 2 s");
        directory.changed();
        assertTrue(directory.isLocal("new.example"), "at once after a change on this node");
    }

    @Test
    void usersAliasesTagsAndCatchAlls() {
        repository.alias("sales@example.test", "bob@example.test", "Carol@Team.Example", "partner@elsewhere.example")
                .alias("*@team.example", "bob@example.test");
        MailDirectory directory = directory();
        assertEquals(new MailDirectory.Expansion(List.of("bob@example.test"), List.of()), directory.expand("Bob@Example.Test"));
        assertEquals(new MailDirectory.Expansion(List.of("bob@example.test", "carol@team.example"), List.of("partner@elsewhere.example")),
                directory.expand("SALES@example.test"));
        assertEquals(List.of("bob@example.test"), directory.expand("bob+lists@example.test").mailboxes(), "a tag reaches the user");
        assertEquals(List.of("carol@team.example"), directory.expand("carol@team.example").mailboxes(), "a user before the catch-all");
        assertEquals(List.of("bob@example.test"), directory.expand("anyone@team.example").mailboxes(), "the catch-all catches");
        assertFalse(directory.expand("nobody@example.test").deliverable(), "no catch-all in example.test");
        assertEquals(List.of("admin@example.test"), directory.expand("postmaster@example.test").mailboxes());
        assertEquals(List.of(), directory("SMTP_RECIPIENT_DELIMITER", "none").expand("bob+lists@example.test").mailboxes());
        assertEquals(List.of("bob@example.test"), directory("SMTP_RECIPIENT_DELIMITER", "-").expand("bob-lists@example.test").mailboxes());
    }

    @Test
    void loopsEndAndExpansionIsBounded() {
        repository.alias("a@example.test", "b@example.test").alias("b@example.test", "a@example.test", "bob@example.test");
        MailDirectory directory = directory();
        assertEquals(List.of("bob@example.test"), directory.expand("a@example.test").mailboxes(), "a -> b -> a stops; bob gets one copy");
        // a chain deeper than 8 levels delivers no further than the 8th
        for (int i = 0; i < 12; i++) {
            repository.alias("chain" + i + "@example.test", "chain" + (i + 1) + "@example.test");
        }
        repository.alias("chain12@example.test", "bob@example.test");
        directory.changed();
        assertFalse(directory.expand("chain0@example.test").deliverable(), "too deep: nothing (chain8 is no user)");
        // a fan-out of 40 x 40 outside addresses stops at 1,000
        String[] wide = new String[40];
        for (int i = 0; i < 40; i++) {
            String[] leaves = new String[40];
            for (int j = 0; j < 40; j++) {
                leaves[j] = "r" + i + "-" + j + "@elsewhere.example";
            }
            repository.alias("w" + i + "@example.test", leaves);
            wide[i] = "w" + i + "@example.test";
        }
        repository.alias("wide@example.test", wide);
        directory.changed();
        assertEquals(MailDirectory.MAX_ADDRESSES, directory.expand("wide@example.test").forwards().size());
    }

    @Test
    void bouncesToSrsAddressesGoBackToTheOriginalSender() {
        MailDirectory directory = directory();
        String rewritten = directory.srs().forward("alice@origin.example");
        assertTrue(rewritten.startsWith("SRS0=") && rewritten.endsWith("@mx.example.test"), rewritten);
        assertEquals(List.of("alice@origin.example"), directory.expand(rewritten).forwards());
        assertEquals(List.of("bob@example.test"), directory.expand(directory.srs().forward("bob@example.test")).mailboxes());
        String forged = rewritten.replaceFirst("SRS0=....", "SRS0=AAAA");
        assertFalse(directory.expand(forged).deliverable(), "a forged hash reaches nobody");
        assertFalse(directory("SMTP_SRS_SECRET", "another-secret-of-16").expand(rewritten).deliverable(), "another key");
    }

    @Test
    void unknownAddressesAreMailboxesWhenUnknownRecipientsAreTaken() {
        assertEquals(List.of("nobody@example.test"), directory("SMTP_REJECT_UNKNOWN_RECIPIENTS", "false").expand("nobody@example.test").mailboxes());
    }
}
