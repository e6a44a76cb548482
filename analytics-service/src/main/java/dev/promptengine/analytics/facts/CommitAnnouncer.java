package dev.promptengine.analytics.facts;

import java.util.Collection;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Announces, inside the batch transaction, which tenants' facts it changed: {@code pg_notify} is
 * delivered when (and only when) the transaction commits, to every session listening on
 * {@value #CHANNEL}, on every analytics-service instance (the push channel,
 * {@code live.CommitListener}). It lives here, with the writer, so that facts never depend on the
 * live package.
 */
public final class CommitAnnouncer {

    public static final String CHANNEL = "promptengine_facts";
    /** Tenants of one payload; PostgreSQL allows 8,000 bytes, so a larger set says "every tenant". */
    public static final String EVERY_TENANT = "*";

    private static final int MAX_PAYLOAD = 7_000;

    private CommitAnnouncer() {}

    /** Called in the batch transaction, on its connection; nothing is sent for an empty set. */
    public static void announce(JdbcClient transactionJdbc, Collection<String> tenants) {
        if (tenants.isEmpty()) {
            return;
        }
        String payload = String.join(",", new TreeSet<>(tenants));
        transactionJdbc
                .sql("SELECT pg_notify(:channel, :payload)")
                .param("channel", CHANNEL)
                .param("payload", payload.length() > MAX_PAYLOAD ? EVERY_TENANT : payload)
                .query()
                .singleRow();
    }
}
