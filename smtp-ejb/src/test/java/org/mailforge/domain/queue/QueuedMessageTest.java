package org.mailforge.domain.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The queue entry's states: what an attempt costs (ETRN can bring attempts forward, never spend
 * them), how replies settle recipients, giving up, an administrator's retry, DELIVERBY deadlines.
 */
class QueuedMessageTest {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private static QueuedMessage entry() {
        return new QueuedMessage("msg_1", new QueuedMessage.Envelope("a@example.test", "s", 10, false, "S1", null, false),
                "remote.test", List.of("b@remote.test"), "content", 3, T0);
    }

    @Test
    void attemptsBroughtForwardDoNotCount() {
        QueuedMessage entry = entry();
        Duration fiveMinutes = Duration.ofMinutes(5);
        assertTrue(entry.attempted("451 first", T0, fiveMinutes), "the first attempt counts");
        assertEquals(T0.plus(fiveMinutes), entry.dueAfter(fiveMinutes, T0.plusSeconds(10)));
        for (int minute = 1; minute <= 4; minute++) { // ETRN once a minute
            Instant now = T0.plus(Duration.ofMinutes(minute));
            assertFalse(entry.attempted("451 early", now, fiveMinutes), "minute " + minute);
            assertEquals(T0.plus(fiveMinutes), entry.dueAfter(fiveMinutes, now), "the schedule does not move");
        }
        assertEquals(1, entry.getAttempts());
        assertFalse(entry.attemptsExhausted());
        assertTrue(entry.attempted("451 on time", T0.plus(fiveMinutes), fiveMinutes), "the scheduled attempt counts");
        assertEquals(2, entry.getAttempts());
        assertEquals("451 on time", entry.getLastError());
    }

    @Test
    void aLateAttemptIsDueAtOnce() {
        QueuedMessage entry = entry();
        entry.attempted("451", T0, Duration.ofMinutes(1));
        Instant late = T0.plus(Duration.ofHours(1));
        assertEquals(late, entry.dueAfter(Duration.ofMinutes(1), late));
    }

    @Test
    void aRecipientIsSettledBy2xxOr5xxAndStaysPendingOtherwise() {
        QueuedMessage entry = new QueuedMessage("msg_2", new QueuedMessage.Envelope("a@example.test", "s", 10, false, "S1", null, false),
                "remote.test", List.of("ok@remote.test", "gone@remote.test", "later@remote.test"), "content", 3, T0);
        List<QueuedRecipient> recipients = entry.getRecipients();
        recipients.get(0).record(251, "251 forwarded");
        recipients.get(1).record(550, "550 5.1.1 no such user");
        recipients.get(2).record(421, "421 4.4.2 closing");
        assertEquals(RecipientStatus.DELIVERED, recipients.get(0).getStatus());
        assertEquals(RecipientStatus.FAILED, recipients.get(1).getStatus());
        assertEquals(List.of(recipients.get(2)), entry.pendingRecipients());
        assertEquals(List.of(recipients.get(1)), entry.failedRecipients());
    }

    @Test
    void givingUpFailsOnlyWhatIsStillPending() {
        QueuedMessage entry = new QueuedMessage("msg_3", new QueuedMessage.Envelope("a@example.test", "s", 10, false, "S1", null, false),
                "remote.test", List.of("ok@remote.test", "later@remote.test"), "content", 3, T0);
        entry.getRecipients().get(0).record(250, "250 ok");
        entry.retryAt(T0.plusSeconds(60));
        entry.fail("gave up after 3 attempts", T0.plusSeconds(120));
        assertEquals(QueueStatus.FAILED, entry.getStatus());
        assertEquals(null, entry.getNextRetry(), "a failed entry is not due again");
        assertEquals(RecipientStatus.DELIVERED, entry.getRecipients().get(0).getStatus(), "delivered stays delivered");
        assertEquals(RecipientStatus.FAILED, entry.getRecipients().get(1).getStatus());
        assertEquals("gave up after 3 attempts", entry.getRecipients().get(1).getLastReply(), "the reason, when it had no reply");
        assertFalse(entry.hasPendingRecipients());
    }

    @Test
    void anAdministratorsRetryReopensFailedRecipientsAndGrantsOneMoreAttempt() {
        QueuedMessage entry = entry();
        for (int i = 0; i < 3; i++) {
            entry.attempted("451", T0.plus(Duration.ofHours(i)), Duration.ofMinutes(1));
        }
        assertTrue(entry.attemptsExhausted());
        entry.fail("gave up", T0.plus(Duration.ofHours(3)));
        Instant now = T0.plus(Duration.ofHours(4));
        entry.forceRetry(now);
        assertEquals(QueueStatus.RETRY, entry.getStatus());
        assertEquals(now, entry.getNextRetry());
        assertTrue(entry.hasPendingRecipients());
        assertFalse(entry.attemptsExhausted(), "one more attempt, even past the maximum");
        assertEquals(4, entry.getMaxAttempts());
    }

    @Test
    void deliverByModeRReturnsAtTheDeadlineAndModeNNotifiesOnce() {
        Instant deadline = T0.plusSeconds(600);
        QueuedMessage returned = new QueuedMessage("msg_r", new QueuedMessage.Envelope("a@example.test", "s", 10, false, "S1", deadline, true),
                "remote.test", List.of("b@remote.test"), "content", 3, T0);
        assertEquals(deadline, returned.returnDeadline());
        assertFalse(returned.deadlinePassed(deadline.minusSeconds(1)));
        assertTrue(returned.deadlinePassed(deadline));
        assertFalse(returned.needsDelayNotice(deadline), "mode R returns, it does not notify");

        QueuedMessage notified = new QueuedMessage("msg_n", new QueuedMessage.Envelope("a@example.test", "s", 10, false, "S1", deadline, false),
                "remote.test", List.of("b@remote.test"), "content", 3, T0);
        assertEquals(null, notified.returnDeadline());
        assertFalse(notified.deadlinePassed(deadline.plusSeconds(3600)), "mode N never returns for the deadline");
        assertFalse(notified.needsDelayNotice(deadline.minusSeconds(1)));
        assertTrue(notified.needsDelayNotice(deadline));
        notified.delayNotified();
        assertFalse(notified.needsDelayNotice(deadline.plusSeconds(60)), "once");
    }
}
