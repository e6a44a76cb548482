package dev.promptengine.analytics.facts;

import dev.promptengine.service.sql.SqlStates;
import java.sql.SQLException;

/**
 * Tells a failure caused by the data of a batch from an outage: what {@link SqlStates#dataError}
 * calls the data's fault, and an arithmetic overflow in Java, mean the record is isolated and
 * dead-lettered. Everything else (connection lost, timeouts, deadlocks, serialization failures, a
 * broker away) is an outage: the batch is retried as it is.
 */
final class DataErrors {

    private DataErrors() {}

    /** The reason to dead-letter for, or null when {@code failure} is not the data's fault. */
    static String reason(Throwable failure) {
        SQLException sql = SqlStates.dataError(failure);
        if (sql != null) {
            return "PostgreSQL refused it (SQLSTATE " + sql.getSQLState() + "): " + firstLine(sql.getMessage());
        }
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ArithmeticException arithmetic) {
                return "arithmetic overflow: " + arithmetic.getMessage();
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
