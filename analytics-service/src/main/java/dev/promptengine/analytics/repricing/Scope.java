package dev.promptengine.analytics.repricing;

import java.time.Instant;

/**
 * Which stored executions a re-pricing looks at: event time in {@code [from, to)}, a tenant (null:
 * every tenant, platform admin only), and optionally one provider, model and prompt, or only the
 * executions that are UNPRICED now.
 */
record Scope(
        Instant from, Instant to, String tenant, String provider, String model, String prompt, boolean onlyUnpriced) {}
