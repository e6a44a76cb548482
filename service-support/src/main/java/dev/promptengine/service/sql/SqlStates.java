package dev.promptengine.service.sql;

import java.sql.SQLException;

/**
 * Tells a failure the data caused from an outage, by PostgreSQL's SQLSTATE: classes 22 (data
 * exception: numeric overflow, invalid text or JSON, a time out of range), 23 (integrity
 * constraint violation, including a row that fits no partition) and 54 (program limit exceeded,
 * e.g. a value too large for an index entry) are the data's fault; retrying cannot help, so the
 * record is isolated. Everything else (connection lost, timeouts, deadlocks, read-only) is not.
 */
public final class SqlStates {

    private SqlStates() {}

    /** The first SQLException in the cause chain, when its SQLSTATE is the data's fault; else null. */
    public static SQLException dataError(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("54") ? sql : null;
            }
        }
        return null;
    }
}
