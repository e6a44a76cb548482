package dev.promptengine.analytics;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The connections of the write path — the Kafka consumer's batches, partition upkeep, dead letters,
 * rollup rebuilds — in a pool of their own, apart from the auto-configured pool the query API,
 * exports and audit trail use. However many slow exports or heavy queries hold API connections,
 * the consumer always has its own, and the API pool's statement timeout never cuts a batch.
 * Same database as {@code spring.datasource.*}; no statement timeout. It logs in as the role that
 * owns the schema ({@code promptengine.analytics.writer.username/password}, by default the API's
 * credentials): in the local stack and compose the API pool is the reader {@code pe_analytics_query}
 * and this pool {@code pe_analytics} (docs/security.md).
 */
@Component
public class WritePool implements DisposableBean {

    private final HikariDataSource dataSource;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    WritePool(
            @Value("${spring.datasource.url}") String url,
            @Value("${promptengine.analytics.writer.username:${spring.datasource.username:}}") String username,
            @Value("${promptengine.analytics.writer.password:${spring.datasource.password:}}") String password,
            @Value("${spring.datasource.hikari.schema:}") String schema,
            @Value("${promptengine.analytics.write-pool-size:4}") int size) {
        dataSource = new HikariDataSource();
        dataSource.setPoolName("analytics-write");
        dataSource.setJdbcUrl(url);
        dataSource.setUsername(username);
        dataSource.setPassword(password);
        if (!schema.isBlank()) {
            dataSource.setSchema(schema);
        }
        dataSource.setMaximumPoolSize(size);
        dataSource.setMinimumIdle(1);
        jdbc = JdbcClient.create(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public JdbcClient jdbc() {
        return jdbc;
    }

    /** Transactions on this pool; a {@link #jdbc()} call inside one joins it. */
    public TransactionTemplate transactions() {
        return transactions;
    }

    @Override
    public void destroy() {
        dataSource.close();
    }
}
