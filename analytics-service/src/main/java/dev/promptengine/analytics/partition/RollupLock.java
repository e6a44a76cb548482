package dev.promptengine.analytics.partition;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A transaction-scoped advisory lock between the live write path (shared) and a rollup rebuild
 * (exclusive): a rebuild sees every committed fact and no batch adds to a rollup it is recomputing.
 */
public final class RollupLock {

    private static final long KEY = 0x616e616c79746963L; // "analytic"

    /**
     * The shared lock, and {@code synchronous_commit} for this transaction only, in one round trip.
     * Turning it off is safe for the batch transactions: the Kafka offsets commit in the same
     * transaction, so a commit lost in a database crash loses its offsets too and the batch is read
     * again from Kafka (exactly once still holds).
     */
    public static void shared(JdbcClient jdbc, boolean synchronousCommit) {
        jdbc.sql("SELECT count(*) FROM (SELECT set_config('synchronous_commit', :sync, true),"
                        + " pg_advisory_xact_lock_shared(:key)) l")
                .param("sync", synchronousCommit ? "on" : "off")
                .param("key", KEY)
                .query(Long.class)
                .single();
    }

    public static void exclusive(JdbcClient jdbc) {
        jdbc.sql("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(:key)) l")
                .param("key", KEY)
                .query(Long.class)
                .single();
    }

    private RollupLock() {}
}
