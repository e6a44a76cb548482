package dev.promptengine.analytics.facts;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * One column of a batch as a SQL {@code text[]} bound to an {@code unnest} parameter and cast there;
 * text keeps the binding uniform and lets PostgreSQL parse each type exactly ({@link BigDecimal} as
 * plain digits). Used by the write path's rollup upserts and by the cost corrections.
 */
final class TextArrays {

    private TextArrays() {}

    /** The array on the transaction's connection of {@code dataSource}. */
    static <T> Array column(DataSource dataSource, List<T> rows, Function<T, ?> value) {
        String[] texts = new String[rows.size()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = text(value.apply(rows.get(i)));
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            return connection.createArrayOf("text", texts);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot bind array", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof BigDecimal amount ? amount.toPlainString() : value.toString();
    }
}
