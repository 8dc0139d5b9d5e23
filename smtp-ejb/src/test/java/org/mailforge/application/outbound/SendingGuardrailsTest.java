package org.mailforge.application.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.mailforge.testing.SettableClock;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;

class SendingGuardrailsTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:15:00Z");
    private final MemoryQueueControls controls = new MemoryQueueControls();
    private final List<String> events = new ArrayList<>();
    private final SettableClock time = new SettableClock(T0);

    private SendingGuardrails guardrails(String... settings) {
        Map<String, String> variables = new HashMap<>(Map.of("SMTP_HOSTNAME", "mx.example.test"));
        for (int i = 0; i < settings.length; i += 2) {
            variables.put(settings[i], settings[i + 1]);
        }
        SendingGuardrails guardrails = new SendingGuardrails();
        guardrails.controls = controls;
        guardrails.configuration = ServerConfiguration.load(name -> Optional.ofNullable(variables.get(name)));
        guardrails.events = new ServerEvents() {
            @Override
            public void publish(String event, Supplier<Map<String, Object>> data) {
                events.add(event + " " + data.get());
            }
        };
        guardrails.clock = time;
        return guardrails;
    }

    @Test
    void anAccountMaySendItsHourlyLimitThenWaitsForTheNextHour() {
        SendingGuardrails guardrails = guardrails("SMTP_SEND_LIMIT_PER_HOUR", "3", "SMTP_SEND_LIMIT_PER_DAY", "5");
        for (int i = 0; i < 3; i++) {
            assertNull(guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0));
            guardrails.sent("bob", "bob@example.test");
        }
        Reply over = guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0);
        assertEquals(452, over.code());
        assertEquals("4.7.1", over.status());
        assertTrue(over.render().contains("3 messages for bob an hour"), over.render());
        assertNull(guardrails.screenSubmission("alice", "alice@example.test", "x@remote.test", 0), "another account is not counted");

        time.set(T0.plusSeconds(3600)); // the next clock hour: 2 more until the day's 5
        assertNull(guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0));
        guardrails.sent("bob", "bob@example.test");
        guardrails.sent("bob", "bob@example.test");
        assertTrue(guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0).render().contains("5 messages for bob a day"));
        time.set(T0.plusSeconds(24 * 3600)); // a day later the first hour has left the window
        assertNull(guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0));
    }

    @Test
    void aSenderDomainHasALimitForAllItsAccounts() {
        SendingGuardrails guardrails = guardrails("SMTP_SEND_DOMAIN_LIMIT_PER_HOUR", "2");
        guardrails.sent("bob", "bob@example.test");
        guardrails.sent("alice", "alice@example.test");
        assertTrue(guardrails.screenSubmission("carol", "carol@EXAMPLE.test", "x@remote.test", 0).render()
                .contains("2 messages for the domain"));
        assertNull(guardrails.screenSubmission("dave", "dave@other.test", "x@remote.test", 0));
        guardrails.sent("erin", "erin@bücher.example");
        guardrails.sent("fay", "fay@BÜCHER.example");
        assertTrue(guardrails.screenSubmission("gus", "gus@xn--bcher-kva.example", "x@remote.test", 0).render()
                .contains("for the domain"), "one domain however it is spelt");
    }

    @Test
    void recipientsPerMessageAreLimitedAndOnlyTheFirstRecipientCostsALookup() {
        SendingGuardrails guardrails = guardrails("SMTP_SEND_MAX_RECIPIENTS", "2", "SMTP_SEND_LIMIT_PER_HOUR", "1");
        guardrails.sent("bob", "bob@example.test");
        assertEquals(452, guardrails.screenSubmission("bob", "bob@example.test", "a@remote.test", 0).code(), "over the hour's limit");
        assertNull(guardrails.screenSubmission("bob", "bob@example.test", "b@remote.test", 1), "checked at the first recipient only");
        Reply tooMany = guardrails.screenSubmission("bob", "bob@example.test", "c@remote.test", 2);
        assertEquals("4.5.3", tooMany.status());
    }

    @Test
    void unknownUsersAreSuppressedAndTwentyBouncesHoldTheAccount() {
        SendingGuardrails guardrails = guardrails("SMTP_HOLD_AFTER_BOUNCES", "3");
        QueuedMessage entry = new QueuedMessage("q1", new QueuedMessage.Envelope("bob@example.test", "s", 10, false, "S1", null, false, "bob"),
                "remote.test", List.of("a@remote.test", "b@remote.test", "c@remote.test"), "f", 3, T0);
        guardrails.attempted(entry, List.of(
                new RecipientReply("A@remote.test", Reply.of(550, "5.1.1", "User unknown")),
                new RecipientReply("b@remote.test", Reply.of(552, "5.2.2", "Mailbox full")),
                new RecipientReply("c@remote.test", Reply.of(451, "4.2.0", "later"))));
        assertTrue(guardrails.suppressed("a@remote.test").isPresent(), "user unknown: suppressed, in lower case");
        assertTrue(guardrails.suppressed("a@remote.test").get().render().contains("answered that this mailbox does not exist on 2026-12-06"));
        assertFalse(guardrails.suppressed("a@remote.test").get().render().contains("User unknown"), "never the reply to someone else's mail");
        assertFalse(guardrails.suppressed("b@remote.test").isPresent(), "a full mailbox may empty");
        assertTrue(events.isEmpty(), "two bounces: not held yet");
        assertNull(guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0));

        guardrails.attempted(entry, List.of(new RecipientReply("d@remote.test", Reply.of(550, null, "no such user here"))));
        assertFalse(guardrails.suppressed("d@remote.test").isPresent(), "without an enhanced code, words are not trusted");
        assertEquals(1, events.size());
        assertTrue(events.get(0).startsWith("account.held "), events.toString());
        assertEquals(550, guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0).code());
        assertTrue(guardrails.release("bob", "admin", (id, delay) -> { }));
        assertNull(guardrails.screenSubmission("bob", "bob@example.test", "x@remote.test", 0));

        time.set(T0.plus(java.time.Duration.ofDays(8))); // SMTP_SUPPRESSION_DAYS is 7 by default
        assertFalse(guardrails.suppressed("a@remote.test").isPresent());
    }

    @Test
    void oneRefusalOfEveryRecipientAlikeIsOneBounceAndSuppressesNobody() {
        SendingGuardrails guardrails = guardrails("SMTP_HOLD_AFTER_BOUNCES", "2");
        List<String> cc = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            cc.add("r" + i + "@evil.test");
        }
        QueuedMessage entry = new QueuedMessage("q3", new QueuedMessage.Envelope("bob@example.test", "s", 10, false, "S3", null, false, "bob"),
                "evil.test", cc, "f", 3, T0);
        Reply sameForAll = Reply.of(550, "5.1.1", "Sender verify failed: user unknown"); // an answer to MAIL FROM, given every recipient
        guardrails.attempted(entry, cc.stream().map(r -> new RecipientReply(r, sameForAll)).toList());
        assertTrue(events.isEmpty(), "one hostile server cannot hold an account by refusing twenty recipients at once");
        assertFalse(guardrails.suppressed("r0@evil.test").isPresent());
    }

    @Test
    void mailFromOtherServersNeverHoldsAnAccount() {
        SendingGuardrails guardrails = guardrails("SMTP_HOLD_AFTER_BOUNCES", "1");
        QueuedMessage forwarded = new QueuedMessage("q2", new QueuedMessage.Envelope("SRS0=x@example.test", "s", 10, false, "S2", null, false),
                "remote.test", List.of("a@remote.test"), "f", 3, T0);
        guardrails.attempted(forwarded, List.of(new RecipientReply("a@remote.test", Reply.of(550, "5.7.1", "spam"))));
        assertTrue(events.isEmpty());
        assertFalse(guardrails.suppressed("a@remote.test").isPresent(), "a refusal for spam is not an unknown user");
    }

    @Test
    void aSuspensionIsSeenAtOnceOnTheNodeThatMadeItAndWithinSecondsElsewhere() {
        SendingGuardrails here = guardrails();
        SendingGuardrails elsewhere = guardrails();
        assertFalse(elsewhere.isSuspended("example.net"));
        controls.suspend("example.net", time.instant(), "admin");
        here.changed();
        assertTrue(here.isSuspended("Example.NET"));
        assertFalse(elsewhere.isSuspended("example.net"), "read a moment ago");
        time.set(time.instant().plus(SendingGuardrails.SUSPENSIONS_FRESH).plusMillis(1));
        assertTrue(elsewhere.isSuspended("example.net"));
    }
}
