package org.mailforge.application.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.mailforge.domain.trace.MessageTrace;
import org.mailforge.domain.trace.TraceFacts;
import org.mailforge.domain.trace.TraceStatus;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.trace.TraceSummary;

/** What a user reads of a message's trace: only what concerns it, never what our headers keep to themselves. */
class TraceQueriesTest {

    private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

    /** bob submits to alice, carol (Bcc) and board@ (an alias that forwards to an outside address too). */
    private static MessageTrace message() {
        TraceFacts facts = new TraceFacts("mx.example.test", "submission", "198.51.100.7", "home.example", "bobs-laptop", "TLSv1.3",
                "bob", "bob@example.test", "<m1@x>", "Salaries", 1000L, "alice@example.test carol@example.test board@example.test",
                "spf=pass", "spam score 4.9 of 6.0");
        List<TraceStep> steps = List.of(
                new TraceStep(T, TraceStep.Kind.RECEIVED, null, null, TraceStep.Outcome.OK, "250 2.0.0 Ok", "1000 octets"),
                new TraceStep(T, TraceStep.Kind.STORED, "alice@example.test", null, TraceStep.Outcome.OK, null, "stored in alice@example.test (Inbox, key 1)"),
                new TraceStep(T, TraceStep.Kind.STORED, "carol@example.test", null, TraceStep.Outcome.OK, null, "stored in carol@example.test (Inbox, key 2)"),
                new TraceStep(T, TraceStep.Kind.STORED, "board@example.test", null, TraceStep.Outcome.OK, null, "stored in dave@example.test (Inbox, key 3)"),
                new TraceStep(T, TraceStep.Kind.QUEUED, "board@example.test", "q1", TraceStep.Outcome.OK, null,
                        "forwarded by board@example.test to dave.private@gmail.example, sender rewritten to SRS0=..."),
                new TraceStep(T, TraceStep.Kind.ATTEMPT, "dave.private@gmail.example", "q1", TraceStep.Outcome.OK, "250 ok", "via mx.gmail.example"));
        return new MessageTrace(new TraceSummary("S1", T, T, TraceStatus.DELIVERED, facts), steps);
    }

    @Test
    void aRecipientReadsItsOwnStepsAndNobodyElsesAddress() {
        MessageTrace seen = TraceQueries.redacted(message(), "alice", Set.of("alice@example.test"));
        assertEquals("alice@example.test", seen.summary().facts().recipients(), "carol stays blind");
        assertNull(seen.summary().facts().authUser(), "the sender's login stays its own");
        assertNull(seen.summary().facts().clientAddress(), "and so does its home address");
        assertNull(seen.summary().facts().scan(), "no spam score to tune against");
        assertEquals(List.of(TraceStep.Kind.RECEIVED, TraceStep.Kind.STORED), seen.steps().stream().map(TraceStep::kind).toList());
        assertEquals("stored", seen.steps().get(1).detail(), "no mailbox key");
    }

    @Test
    void theSenderReadsTheRecipientsItNamedButNotWhereAnAliasLeads() {
        MessageTrace seen = TraceQueries.redacted(message(), "bob", Set.of("bob@example.test"));
        assertEquals(message().summary().facts().recipients(), seen.summary().facts().recipients());
        assertEquals("bob", seen.summary().facts().authUser());
        assertEquals("198.51.100.7", seen.summary().facts().clientAddress(), "its own client");
        String all = seen.steps().toString();
        assertTrue(!all.contains("dave") && !all.contains("gmail") && !all.contains("key "), all);
        assertEquals(5, seen.steps().size(), "received, three stored, the alias's queue step; not the forward's attempt");
    }
}
