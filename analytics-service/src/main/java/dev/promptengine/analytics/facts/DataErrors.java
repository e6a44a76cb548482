package dev.promptengine.analytics.facts;

import java.sql.SQLException;

/**
 * Tells a failure caused by the data of a batch from an outage. PostgreSQL's SQLSTATE classes 22
 * (data exception: numeric overflow, invalid text or JSON, a time out of range), 23 (integrity
 * constraint violation, including a row that fits no partition) and 54 (program limit exceeded,
 * e.g. a value too large to index) and an arithmetic overflow in Java are the data's fault: the
 * record is isolated and dead-lettered. Everything else (connection lost, timeouts, deadlocks,
 * serialization failures, a broker away) is an outage: the batch is retried as it is.
 */
final class DataErrors {

    private DataErrors() {}

    /** The reason to dead-letter for, or null when {@code failure} is not the data's fault. */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && isDataClass(sql.getSQLState())) {
                return "PostgreSQL refused it (SQLSTATE " + sql.getSQLState() + "): " + firstLine(sql.getMessage());
            }
            if (t instanceof ArithmeticException arithmetic) {
                return "arithmetic overflow: " + arithmetic.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static boolean isDataClass(String state) {
        return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
