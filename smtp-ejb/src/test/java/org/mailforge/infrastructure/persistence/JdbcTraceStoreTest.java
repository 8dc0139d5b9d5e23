package org.mailforge.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.trace.MessageTrace;
import org.mailforge.domain.trace.TraceFacts;
import org.mailforge.domain.trace.TraceStatus;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.trace.TraceWrite;
import org.sqlite.SQLiteDataSource;

/** The message trace's JDBC writes on a real SQLite database with the server's migrated schema. */
class JdbcTraceStoreTest {

    private static final Instant T = Instant.parse("2026-12-07T06:00:00Z");

    @TempDir
    Path folder;

    private JdbcTraceStore store(String name) throws java.sql.SQLException {
        SQLiteDataSource database = new SQLiteDataSource();
        database.setUrl("jdbc:sqlite:" + folder.resolve(name));
        SchemaMigrations.migrate(database);
        JdbcTraceStore store = new JdbcTraceStore();
        store.dataSource = database;
        return store;
    }

    /** A forwarded message's life as its writes come: taken and queued, an attempt, delivered; and another message between. */
    private static List<TraceWrite> forwardedMessage() {
        TraceFacts received = new TraceFacts("mx.example.test", "smtp", "192.0.2.7", null, "client.example", null, null,
                "ann@example.net", "<m1@example.net>", "first subject", 1200L, "fwd@example.test", "spf=pass", null);
        TraceFacts other = new TraceFacts("mx.example.test", "smtp", "192.0.2.8", null, "other.example", null, null,
                "zoe@example.net", "<m2@example.net>", "other", 300L, "bob@example.test", null, null);
        return List.of(
                new TraceWrite("T1", T, received, 1, 1, 0, 0, 0, List.of(
                        new TraceStep(T, TraceStep.Kind.RECEIVED, null, null, TraceStep.Outcome.OK, "250 2.0.0 Ok", "1200 octets"),
                        new TraceStep(T, TraceStep.Kind.QUEUED, "out@example.org", "Q1", TraceStep.Outcome.OK, null, null))),
                new TraceWrite("T2", T.plusMillis(5), other, 1, 0, 0, 0, 0, List.of(
                        new TraceStep(T.plusMillis(5), TraceStep.Kind.STORED, "bob@example.test", null, TraceStep.Outcome.OK, null, null))),
                TraceWrite.steps("T1", T.plusMillis(40), List.of(new TraceStep(T.plusMillis(40), TraceStep.Kind.ATTEMPT, "out@example.org",
                        "Q1", TraceStep.Outcome.OK, "250 2.0.0 queued as X", "attempt 1, 31 ms"))),
                // a later fact replaces an earlier one (a node that learnt more), a null leaves it
                new TraceWrite("T1", T.plusMillis(41), new TraceFacts(null, null, null, "client.example", null, null, null, null, null,
                        "second subject", null, null, null, null), 0, -1, 0, 0, 0, List.of()));
    }

    @Test
    void aBatchFoldsTheWritesOfOneMessageIntoOneRowChangeWithTheSameOutcome() throws Exception {
        List<TraceWrite> writes = forwardedMessage();
        assertEquals(List.of("T1", "T2"), JdbcTraceStore.rowChanges(writes).stream().map(row -> row.id).toList(),
                "one statement per message row, in the order of its first write");

        JdbcTraceStore together = store("together.db");
        together.write(writes);
        JdbcTraceStore apart = store("apart.db");
        writes.forEach(write -> apart.write(List.of(write))); // each write its own statement, as the database folds them

        for (String id : List.of("T1", "T2")) {
            MessageTrace expected = apart.find(id).orElseThrow();
            assertEquals(expected, together.find(id).orElseThrow(), id);
        }
        MessageTrace forwarded = together.find("T1").orElseThrow();
        assertEquals(T, forwarded.summary().firstAt());
        assertEquals(T.plusMillis(41), forwarded.summary().lastAt());
        assertEquals(TraceStatus.of("delivered"), forwarded.summary().status(), "accepted once, its one queue entry concluded");
        assertEquals("second subject", forwarded.summary().facts().subject());
        assertEquals("client.example", forwarded.summary().facts().helo());
        assertEquals("client.example", forwarded.summary().facts().clientName());
        assertEquals(List.of(TraceStep.Kind.RECEIVED, TraceStep.Kind.QUEUED, TraceStep.Kind.ATTEMPT),
                forwarded.steps().stream().map(TraceStep::kind).toList());
    }
}
