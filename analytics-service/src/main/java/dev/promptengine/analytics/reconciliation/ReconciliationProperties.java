package dev.promptengine.analytics.reconciliation;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds of a billing-export import: the body is read up to {@code maxImportSize} (default 5 MB,
 * about 50,000 OpenAI cost lines) and refused beyond it; at most {@code maxImportLines} cost lines.
 */
@Validated
@ConfigurationProperties("promptengine.analytics.reconciliation")
record ReconciliationProperties(
        @DefaultValue("5MB") DataSize maxImportSize,
        @Min(1) @Max(1_000_000) @DefaultValue("100000") int maxImportLines) {}
