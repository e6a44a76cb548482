package dev.promptengine.cost.enrichment;

import java.math.BigDecimal;

/** Exact USD cost of one execution per token type; {@code total} is their sum. Never rounded. */
record Cost(
        BigDecimal input,
        BigDecimal cachedInput,
        BigDecimal cacheWrite,
        BigDecimal output,
        BigDecimal reasoning,
        BigDecimal total,
        boolean longContextApplied) {}
