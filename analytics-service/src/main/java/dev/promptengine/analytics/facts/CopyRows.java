package dev.promptengine.analytics.facts;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's {@code COPY ... FROM STDIN} text format: tab-separated, {@code \N} for
 * NULL, backslash escapes. Values are written with their {@code toString()} ({@link BigDecimal}
 * as plain digits), which PostgreSQL parses exactly for every column type the raw tables use
 * (ISO-8601 instants, UUIDs, JSON text, booleans, numbers).
 */
final class CopyRows {

    private final StringBuilder text = new StringBuilder(64 * 1024);
    private int rows;
    private boolean first = true;

    CopyRows add(Object value) {
        if (!first) {
            text.append('\t');
        }
        first = false;
        if (value == null) {
            text.append("\\N");
            return this;
        }
        String s = value instanceof BigDecimal amount ? amount.toPlainString() : value.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> text.append(c);
            }
        }
        return this;
    }

    CopyRows endRow() {
        text.append('\n');
        first = true;
        rows++;
        return this;
    }

    int rows() {
        return rows;
    }

    /** Streams the rows into {@code table (columns)} on the given (transaction's) connection. */
    long copyInto(Connection connection, String table, String columns) {
        try {
            return connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY %s (%s) FROM STDIN".formatted(table, columns), new StringReader(text.toString()));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("COPY into " + table + " failed: " + e.getMessage(), e);
        }
    }
}
