package dev.promptengine.analytics.reconciliation;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One cost line of a provider's billing export, as read.
 *
 * @param line the CSV line it came from (the header is line 1)
 * @param model the model as we match it with our facts ({@link ExportFormat#modelKey}); null for a
 *     line the provider attributes to no model (web search, code execution)
 * @param billedModel the model or line item as the export names it
 * @param lineItem what the line bills (OpenAI line item, Anthropic token type or cost type)
 * @param billedCost USD, exact
 * @param inputTokens tokens where the export has them, else null
 * @param outputTokens tokens where the export has them, else null
 */
record BilledLine(
        int line,
        LocalDate day,
        String model,
        String billedModel,
        String lineItem,
        BigDecimal billedCost,
        Long inputTokens,
        Long outputTokens) {}
