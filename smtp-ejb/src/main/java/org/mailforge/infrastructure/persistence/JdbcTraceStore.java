package org.mailforge.infrastructure.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.domain.trace.MessageTrace;
import org.mailforge.domain.trace.TraceFacts;
import org.mailforge.domain.trace.TraceQuery;
import org.mailforge.domain.trace.TraceStatus;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.trace.TraceStore;
import org.mailforge.domain.trace.TraceSummary;
import org.mailforge.domain.trace.TraceWrite;

/**
 * The message trace in the {@code trace_messages} and {@code trace_steps} tables, in plain JDBC
 * as the delivery ledger: a batch of writes is two batched statements in one local transaction.
 * A write merges into its message's row (counts added, facts filled in), so the writes of several
 * nodes commute. Times are epoch milliseconds; texts are cut to their columns.
 */
@ApplicationScoped
public class JdbcTraceStore implements TraceStore {

    private static final String[] FACT_COLUMNS = {"node", "listener", "client_address", "client_name", "helo", "tls",
            "auth_user", "sender", "message_id", "subject", "size_bytes", "recipients", "authentication", "scan"};
    private static final int[] FACT_LENGTHS = {255, 16, 64, 255, 255, 128, 320, 320, 255, 255, 0, 1000, 1000, 255};
    private static final String[] COUNT_COLUMNS = {"accepted", "open_entries", "failed", "temporary", "permanent"};

    private static final String MERGE = merge();
    private static final String INSERT_STEP = "INSERT INTO trace_steps (trace_id, at, kind, recipient, queue_id, outcome, reply, detail)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    /** The status, from the counts (see {@link TraceStatus}). */
    static final String STATUS = "CASE WHEN m.open_entries > 0 THEN 'queued' WHEN m.failed > 0 THEN 'failed'"
            + " WHEN m.accepted > 0 THEN 'delivered' WHEN m.permanent = 0 AND m.temporary > 0 THEN 'deferred' ELSE 'refused' END";
    private static final String SUMMARY_COLUMNS = "m.id, m.first_at, m.last_at, " + STATUS + ", m."
            + String.join(", m.", FACT_COLUMNS);

    /** A search counts the traces it finds up to this many. */
    public static final int MAX_COUNTED = 10_000;

    @Resource(lookup = "jdbc/mailforge", shareable = false) // its own connection, back to the pool on close
    DataSource dataSource;

    private static String merge() {
        StringBuilder sql = new StringBuilder("INSERT INTO trace_messages (id, first_at, last_at, ");
        sql.append(String.join(", ", FACT_COLUMNS)).append(", ").append(String.join(", ", COUNT_COLUMNS)).append(") VALUES (?, ?, ?");
        sql.append(", ?".repeat(FACT_COLUMNS.length + COUNT_COLUMNS.length)).append(") ON CONFLICT (id) DO UPDATE SET ");
        sql.append("first_at = CASE WHEN excluded.first_at < trace_messages.first_at THEN excluded.first_at ELSE trace_messages.first_at END, ");
        sql.append("last_at = CASE WHEN excluded.last_at > trace_messages.last_at THEN excluded.last_at ELSE trace_messages.last_at END");
        for (String column : FACT_COLUMNS) {
            sql.append(", ").append(column).append(" = COALESCE(excluded.").append(column).append(", trace_messages.").append(column).append(')');
        }
        for (String column : COUNT_COLUMNS) {
            sql.append(", ").append(column).append(" = trace_messages.").append(column).append(" + excluded.").append(column);
        }
        return sql.toString();
    }

    private <T> T withConnection(Jdbc.Work<T> work) {
        return Jdbc.withConnection(dataSource, "message trace", work);
    }

    @Override
    public void write(List<TraceWrite> writes) {
        if (writes.isEmpty()) {
            return;
        }
        Collection<RowChange> rows = rowChanges(writes);
        withConnection(connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement merge = c.prepareStatement(MERGE);
                 PreparedStatement step = c.prepareStatement(INSERT_STEP)) {
                for (RowChange row : rows) {
                    row.bind(merge);
                    merge.addBatch();
                }
                boolean steps = false;
                for (TraceWrite write : writes) {
                    for (TraceStep s : write.steps()) {
                        bindStep(step, write.traceId(), s);
                        step.addBatch();
                        steps = true;
                    }
                }
                merge.executeBatch();
                if (steps) {
                    step.executeBatch();
                }
            }
            return null;
        }));
    }

    /**
     * The writes of a batch folded into one change per message row, as the database would fold
     * them one after another (first and last time widened, a later fact over an earlier one, counts
     * added): a message received and delivered within the same second is one statement, not three.
     */
    static Collection<RowChange> rowChanges(List<TraceWrite> writes) {
        Map<String, RowChange> rows = new LinkedHashMap<>();
        for (TraceWrite write : writes) {
            rows.computeIfAbsent(cut(write.traceId(), 40), RowChange::new).add(write);
        }
        return rows.values();
    }

    /** What a batch changes in one {@code trace_messages} row. */
    static final class RowChange {
        final String id;
        long firstAt = Long.MAX_VALUE;
        long lastAt = Long.MIN_VALUE;
        final Object[] facts = new Object[FACT_COLUMNS.length];
        final int[] counts = new int[COUNT_COLUMNS.length];

        RowChange(String id) {
            this.id = id;
        }

        void add(TraceWrite write) {
            long at = write.at().toEpochMilli();
            firstAt = Math.min(firstAt, at);
            lastAt = Math.max(lastAt, at);
            TraceFacts f = write.facts();
            Object[] learnt = {f.node(), f.listener(), f.clientAddress(), f.clientName(), f.helo(), f.tls(), f.authUser(), f.sender(),
                    f.messageId(), f.subject(), f.sizeBytes(), f.recipients(), f.authentication(), f.scan()};
            for (int i = 0; i < learnt.length; i++) {
                if (learnt[i] != null) {
                    facts[i] = learnt[i];
                }
            }
            int[] moved = {write.accepted(), write.openEntries(), write.failed(), write.temporary(), write.permanent()};
            for (int i = 0; i < moved.length; i++) {
                counts[i] += moved[i];
            }
        }

        void bind(PreparedStatement merge) throws SQLException {
            merge.setString(1, id);
            merge.setLong(2, firstAt);
            merge.setLong(3, lastAt);
            int index = 4;
            for (int i = 0; i < facts.length; i++, index++) {
                if (facts[i] == null) {
                    merge.setNull(index, i == 10 ? Types.BIGINT : Types.VARCHAR);
                } else if (facts[i] instanceof Long number) {
                    merge.setLong(index, number);
                } else {
                    merge.setString(index, cut((String) facts[i], FACT_LENGTHS[i]));
                }
            }
            for (int count : counts) {
                merge.setInt(index++, count);
            }
        }
    }

    private static void bindStep(PreparedStatement insert, String traceId, TraceStep step) throws SQLException {
        insert.setString(1, cut(traceId, 40));
        insert.setLong(2, step.at().toEpochMilli());
        insert.setString(3, step.kind().apiName());
        insert.setString(4, cut(step.recipient(), 320));
        insert.setString(5, cut(step.queueId(), 40));
        insert.setString(6, step.outcome().apiName());
        insert.setString(7, cut(step.reply(), 1000));
        insert.setString(8, cut(step.detail(), 1000));
    }

    /** At most {@code length} characters, with no NUL (PostgreSQL refuses it in text) and no surrogate cut in half. */
    static String cut(String text, int length) {
        if (text == null) {
            return null;
        }
        String clean = text.indexOf('\0') < 0 ? text : text.replace('\0', ' ');
        if (clean.length() <= length) {
            return clean;
        }
        int end = Character.isHighSurrogate(clean.charAt(length - 1)) ? length - 1 : length;
        return clean.substring(0, end);
    }

    @Override
    public TracePage search(TraceQuery query) {
        List<Object> parameters = new ArrayList<>();
        String where = where(query, parameters);
        return withConnection(connection -> {
            List<TraceSummary> items = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + SUMMARY_COLUMNS + " FROM trace_messages m"
                    + where + " ORDER BY m.first_at DESC, m.id DESC LIMIT ? OFFSET ?")) {
                int index = bind(select, parameters);
                select.setInt(index++, query.limit());
                select.setInt(index, query.offset());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        items.add(summary(rows));
                    }
                }
            }
            long total;
            // counted up to MAX_COUNTED: a search's total costs at most that many rows, however large the trace
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM trace_messages m"
                    + where + " LIMIT " + MAX_COUNTED + ") found")) {
                bind(count, parameters);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    total = rows.getLong(1);
                }
            }
            return new TracePage(items, total);
        });
    }

    private static String where(TraceQuery query, List<Object> parameters) {
        List<String> conditions = new ArrayList<>();
        if (query.from() != null) {
            conditions.add("m.first_at >= ?");
            parameters.add(query.from().toEpochMilli());
        }
        if (query.to() != null) {
            conditions.add("m.first_at < ?");
            parameters.add(query.to().toEpochMilli());
        }
        if (query.sender() != null) {
            address(conditions, parameters, "m.sender", query.sender());
        }
        if (query.recipient() != null) {
            if (query.recipient().startsWith("@")) {
                conditions.add("EXISTS (SELECT 1 FROM trace_steps s WHERE s.trace_id = m.id AND s.recipient LIKE ? ESCAPE '!')");
                parameters.add("%" + like(query.recipient()));
            } else {
                conditions.add("EXISTS (SELECT 1 FROM trace_steps s WHERE s.trace_id = m.id AND s.recipient = ?)");
                parameters.add(query.recipient());
            }
        }
        if (query.messageId() != null) {
            conditions.add("m.message_id = ?");
            parameters.add(query.messageId());
        }
        if (query.traceId() != null) {
            conditions.add("(m.id = ? OR EXISTS (SELECT 1 FROM trace_steps s WHERE s.trace_id = m.id AND s.queue_id = ?))");
            parameters.add(query.traceId());
            parameters.add(query.traceId());
        }
        if (query.client() != null) {
            conditions.add("m.client_address = ?");
            parameters.add(query.client());
        }
        if (query.status() != null) {
            conditions.add(STATUS + " = ?");
            parameters.add(query.status().apiName());
        }
        if (query.visibleTo() != null) {
            conditions.add(visibility(query.visibleTo(), query.login(), parameters));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static void address(List<String> conditions, List<Object> parameters, String column, String value) {
        if (value.startsWith("@")) {
            conditions.add(column + " LIKE ? ESCAPE '!'");
            parameters.add("%" + like(value));
        } else {
            conditions.add(column + " = ?");
            parameters.add(value);
        }
    }

    /** A user's view: mail its login sent, mail from one of its addresses, mail to one of them. */
    private static String visibility(Set<String> addresses, String login, List<Object> parameters) {
        StringBuilder condition = new StringBuilder("(m.auth_user = ?");
        parameters.add(login == null ? "" : login);
        if (!addresses.isEmpty()) {
            String marks = String.join(", ", java.util.Collections.nCopies(addresses.size(), "?"));
            condition.append(" OR m.sender IN (").append(marks).append(')');
            parameters.addAll(addresses);
            condition.append(" OR EXISTS (SELECT 1 FROM trace_steps s WHERE s.trace_id = m.id AND s.recipient IN (").append(marks).append("))");
            parameters.addAll(addresses);
        }
        return condition.append(')').toString();
    }

    /** A LIKE pattern's literal text, its wildcards escaped with {@code !}. */
    private static String like(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static int bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        int index = 1;
        for (Object parameter : parameters) {
            if (parameter instanceof Long number) {
                statement.setLong(index++, number);
            } else {
                statement.setString(index++, (String) parameter);
            }
        }
        return index;
    }

    private static TraceSummary summary(ResultSet row) throws SQLException {
        long size = row.getLong(15);
        Long sizeBytes = row.wasNull() ? null : size;
        TraceFacts facts = new TraceFacts(row.getString(5), row.getString(6), row.getString(7), row.getString(8), row.getString(9),
                row.getString(10), row.getString(11), row.getString(12), row.getString(13), row.getString(14), sizeBytes,
                row.getString(16), row.getString(17), row.getString(18));
        return new TraceSummary(row.getString(1), Instant.ofEpochMilli(row.getLong(2)), Instant.ofEpochMilli(row.getLong(3)),
                TraceStatus.of(row.getString(4)), facts);
    }

    @Override
    public Optional<MessageTrace> find(String id) {
        return withConnection(connection -> {
            TraceSummary summary;
            try (PreparedStatement select = connection.prepareStatement("SELECT " + SUMMARY_COLUMNS + " FROM trace_messages m WHERE m.id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    summary = summary(rows);
                }
            }
            List<TraceStep> steps = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT at, kind, recipient, queue_id, outcome, reply, detail"
                    + " FROM trace_steps WHERE trace_id = ? ORDER BY at, id LIMIT 1000")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        steps.add(new TraceStep(Instant.ofEpochMilli(rows.getLong(1)),
                                TraceStep.Kind.valueOf(rows.getString(2).toUpperCase(java.util.Locale.ROOT)), rows.getString(3),
                                rows.getString(4), TraceStep.Outcome.valueOf(rows.getString(5).toUpperCase(java.util.Locale.ROOT)),
                                rows.getString(6), rows.getString(7)));
                    }
                }
            }
            return Optional.of(new MessageTrace(summary, steps));
        });
    }

    @Override
    public boolean involves(String id, Set<String> addresses, String login) {
        List<Object> parameters = new ArrayList<>();
        parameters.add(id);
        String sql = "SELECT 1 FROM trace_messages m WHERE m.id = ? AND " + visibility(addresses, login, parameters);
        return withConnection(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                bind(select, parameters);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    @Override
    public int purge(Instant before, int batch) {
        return withConnection(connection -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id FROM trace_messages WHERE first_at < ? ORDER BY first_at LIMIT ?")) {
                select.setLong(1, before.toEpochMilli());
                select.setInt(2, batch);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
            return Jdbc.transaction(connection, c -> {
                try (PreparedStatement steps = c.prepareStatement("DELETE FROM trace_steps WHERE trace_id IN (" + marks + ")");
                     PreparedStatement messages = c.prepareStatement("DELETE FROM trace_messages WHERE id IN (" + marks + ")")) {
                    for (int i = 0; i < ids.size(); i++) {
                        steps.setString(i + 1, ids.get(i));
                        messages.setString(i + 1, ids.get(i));
                    }
                    steps.executeUpdate();
                    return messages.executeUpdate();
                }
            });
        });
    }
}
