package org.mailforge.infrastructure.persistence;

import java.io.Writer;
import java.util.Hashtable;

import org.eclipse.persistence.internal.databaseaccess.DatabaseCall;
import org.eclipse.persistence.internal.databaseaccess.FieldTypeDefinition;
import org.eclipse.persistence.internal.expressions.ExpressionSQLPrinter;
import org.eclipse.persistence.internal.expressions.SQLSelectStatement;
import org.eclipse.persistence.platform.database.DatabasePlatform;
import org.eclipse.persistence.queries.ValueReadQuery;

/**
 * EclipseLink has no SQLite platform; this one teaches it the three things that matter:
 * identity columns are rowid aliases read back with {@code last_insert_rowid()}, column types use
 * SQLite's affinities, and paging is {@code LIMIT/OFFSET} (SQLite has no scrollable cursors).
 */
public class SQLitePlatform extends DatabasePlatform {

    private static final long serialVersionUID = 1L;

    @Override
    protected Hashtable<Class<?>, FieldTypeDefinition> buildFieldTypes() {
        Hashtable<Class<?>, FieldTypeDefinition> types = new Hashtable<>();
        FieldTypeDefinition integer = new FieldTypeDefinition("INTEGER", false);
        for (Class<?> type : new Class<?>[] {Boolean.class, Byte.class, Short.class, Integer.class, Long.class,
                java.math.BigInteger.class}) {
            types.put(type, integer);
        }
        types.put(Float.class, new FieldTypeDefinition("REAL", false));
        types.put(Double.class, new FieldTypeDefinition("REAL", false));
        types.put(java.math.BigDecimal.class, new FieldTypeDefinition("NUMERIC", false));
        FieldTypeDefinition text = new FieldTypeDefinition("TEXT", false);
        for (Class<?> type : new Class<?>[] {String.class, Character.class, char[].class, Character[].class,
                java.sql.Clob.class}) {
            types.put(type, text);
        }
        FieldTypeDefinition blob = new FieldTypeDefinition("BLOB", false);
        types.put(byte[].class, blob);
        types.put(Byte[].class, blob);
        types.put(java.sql.Blob.class, blob);
        FieldTypeDefinition timestamp = new FieldTypeDefinition("TIMESTAMP", false);
        types.put(java.sql.Date.class, timestamp);
        types.put(java.sql.Time.class, timestamp);
        types.put(java.sql.Timestamp.class, timestamp);
        types.put(java.util.Date.class, timestamp);
        types.put(java.util.Calendar.class, timestamp);
        return types;
    }

    @Override
    public boolean supportsIdentity() {
        return true;
    }

    @Override
    public ValueReadQuery buildSelectQueryForIdentity() {
        return new ValueReadQuery("SELECT last_insert_rowid()");
    }

    /** A single-column {@code INTEGER} primary key is already SQLite's auto-assigned rowid. */
    @Override
    public void printFieldIdentityClause(Writer writer) {
        // nothing to add
    }

    /** SQLite cannot add constraints with ALTER TABLE, which is how EclipseLink creates them. */
    @Override
    public boolean supportsForeignKeyConstraints() {
        return false;
    }

    @Override
    public boolean shouldUseJDBCOuterJoinSyntax() {
        return false;
    }

    /** Writers are serialised by SQLite itself; there is no row locking clause. */
    @Override
    public String getSelectForUpdateString() {
        return "";
    }

    @Override
    public void printSQLSelectStatement(DatabaseCall call, ExpressionSQLPrinter printer, SQLSelectStatement statement) {
        int maxRows = statement.getQuery() == null ? 0 : statement.getQuery().getMaxRows();
        int firstRow = statement.getQuery() == null ? 0 : statement.getQuery().getFirstResult();
        if (maxRows <= 0 && firstRow <= 0) {
            super.printSQLSelectStatement(call, printer, statement);
            return;
        }
        statement.setUseUniqueFieldAliases(true);
        call.setFields(statement.printSQL(printer));
        // EclipseLink's maxRows is the index after the last row wanted, not a count
        int limit = maxRows > 0 ? maxRows - firstRow : -1;
        printer.printString(" LIMIT " + limit + " OFFSET " + Math.max(firstRow, 0));
        call.setIgnoreFirstRowSetting(true);
        call.setIgnoreMaxResultsSetting(true);
    }
}
