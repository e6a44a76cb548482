package dev.promptengine.analytics.privacy;

import dev.promptengine.analytics.WritePool;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes one end user's raw facts and their content rows, in every partition, in one statement
 * (one transaction): a fact the consumer commits concurrently is either seen and deleted or
 * committed after, and then reported by the next call. Rollups keep their totals: they hold no
 * user identifier, and the erased facts were counted once, when they arrived (docs/privacy.md).
 */
@Component
class UserErasure {

    /** What one erasure removed. */
    record Removed(long usages, long usageContents, long executions, long executionContents) {}

    private static final String ERASE = """
            WITH usages AS (
                DELETE FROM usage_fact WHERE tenant = :tenant AND user_identifier = :user
                RETURNING id, occurred_at
            ), usage_contents AS (
                DELETE FROM usage_content c USING usages u
                WHERE c.tenant = :tenant AND c.id = u.id AND c.occurred_at = u.occurred_at
                RETURNING 1
            ), executions AS (
                DELETE FROM execution_fact WHERE tenant = :tenant AND user_identifier = :user
                RETURNING id, occurred_at
            ), execution_contents AS (
                DELETE FROM execution_content c USING executions e
                WHERE c.tenant = :tenant AND c.id = e.id AND c.occurred_at = e.occurred_at
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM usages), (SELECT count(*) FROM usage_contents),
                   (SELECT count(*) FROM executions), (SELECT count(*) FROM execution_contents)
            """;

    private final JdbcClient jdbc;

    UserErasure(WritePool pool) {
        this.jdbc = pool.jdbc(); // facts belong to the write path's role, which alone may delete them
    }

    Removed erase(String tenant, String userIdentifier) {
        return jdbc.sql(ERASE)
                .param("tenant", tenant)
                .param("user", userIdentifier)
                .query((rs, row) -> new Removed(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .single();
    }
}
