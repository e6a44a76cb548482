package dev.promptengine.analytics.repricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of {@code repricing_run}. Created and read through {@link RepricingRunRepository}; its outcome
 * and the write path's applied count are set with explicit SQL, which never overwrites each other.
 */
@Table("repricing_run")
record RepricingRun(
        @Id UUID id,
        String tenant,
        String requestedBy,
        String requestedRole,
        String scope,
        boolean dryRun,
        String status,
        long executionsInScope,
        long executionsAffected,
        BigDecimal oldTotalCost,
        BigDecimal newTotalCost,
        long correctionsPublished,
        long correctionsApplied,
        Instant catalogAsOf,
        String diff,
        String error,
        Instant createdAt,
        Instant finishedAt,
        Instant lastAppliedAt,
        @Version Long version) {}
