package dev.promptengine.analytics.partition;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A transaction-scoped advisory lock between the live write path (shared) and a rollup rebuild
 * (exclusive): a rebuild sees every committed fact and no batch adds to a rollup it is recomputing.
 */
public final class RollupLock {

    private static final long KEY = 0x616e616c79746963L; // "analytic"

    public static void shared(JdbcClient jdbc) {
        jdbc.sql("SELECT count(*) FROM (SELECT pg_advisory_xact_lock_shared(:key)) l")
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
