package dev.promptengine.analytics.reconciliation;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.MappedCollection;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An imported billing export (table {@code reconciliation_import}) with its cost lines
 * ({@code reconciliation_import_line}, in export order). {@code version} is null until saved, which
 * is how Spring Data JDBC knows a record with an assigned id is new.
 */
@Table("reconciliation_import")
record ProviderImport(
        @Id UUID id,
        String tenant,
        String format,
        String provider,
        Instant importedAt,
        String importedBy,
        LocalDate firstDay,
        LocalDate lastDay,

        @MappedCollection(idColumn = "import_id", keyColumn = "position")
        List<Line> lines,

        @Version Long version) {

    @Table("reconciliation_import_line")
    record Line(
            int sourceLine,
            LocalDate day,
            String model,
            String billedModel,
            String lineItem,
            BigDecimal billedCost,
            Long inputTokens,
            Long outputTokens) {}

    ProviderImport withVersion(Long version) {
        return new ProviderImport(
                id, tenant, format, provider, importedAt, importedBy, firstDay, lastDay, lines, version);
    }
}
