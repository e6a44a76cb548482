package dev.promptengine.analytics.reconciliation;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads, stores and compares billing exports. The whole body is read (up to the limit) and parsed
 * before anything is written, and the import and its audit entry commit in one transaction: a
 * refused import stores nothing, a stored one is always audited.
 */
@Service
class Imports {

    static final String IMPORT_ENDPOINT = "POST /v1/analytics/reconciliation/imports";
    static final String READ_ENDPOINT = "GET /v1/analytics/reconciliation/imports/{id}";

    private final ImportRepository repository;
    private final ImportComparison comparison;
    private final AuditTrail audit;
    private final Clock clock;
    private final ReconciliationProperties properties;

    Imports(
            ImportRepository repository,
            ImportComparison comparison,
            AuditTrail audit,
            Clock clock,
            ReconciliationProperties properties) {
        this.repository = repository;
        this.comparison = comparison;
        this.audit = audit;
        this.clock = clock;
        this.properties = properties;
    }

    @Transactional
    public ImportComparison.Comparison importExport(Caller caller, String format, InputStream body) throws IOException {
        var parsedFormat = ExportFormat.parse(format);
        List<BilledLine> billed = parsedFormat.read(text(body), properties.maxImportLines());
        var stored = repository.save(new ProviderImport(
                UUID.randomUUID(),
                caller.tenant(),
                parsedFormat.parameterValue(),
                parsedFormat.provider(),
                clock.instant(),
                caller.keyName(),
                billed.stream()
                        .map(BilledLine::day)
                        .min(Comparator.naturalOrder())
                        .orElseThrow(),
                billed.stream()
                        .map(BilledLine::day)
                        .max(Comparator.naturalOrder())
                        .orElseThrow(),
                billed.stream()
                        .map(line -> new ProviderImport.Line(
                                line.line(),
                                line.day(),
                                line.model(),
                                line.billedModel(),
                                line.lineItem(),
                                line.billedCost(),
                                line.inputTokens(),
                                line.outputTokens()))
                        .toList(),
                null));
        var answer = comparison.compare(stored);
        audit.record(
                caller,
                IMPORT_ENDPOINT,
                describe(stored, answer),
                stored.lines().size());
        return answer;
    }

    @Transactional
    public ImportComparison.Comparison read(Caller caller, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("id", "'id' must be an import id (a UUID), was '" + id + "'");
        }
        var stored = repository
                .findByIdAndTenant(uuid, caller.tenant())
                .orElseThrow(() -> new ReconciliationProblems.ImportNotFoundException(
                        "No reconciliation import " + id + " in your tenant"));
        var answer = comparison.compare(stored);
        audit.record(
                caller, READ_ENDPOINT, describe(stored, answer), answer.days().size());
        return answer;
    }

    /** The body as UTF-8 text, read up to the limit: one byte more is a refusal naming the limit. */
    private String text(InputStream body) throws IOException {
        long limit = properties.maxImportSize().toBytes();
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (bytes.length > limit) {
            throw new ImportRefusedException(
                    null,
                    null,
                    "The body is larger than the import limit of " + limit + " bytes ("
                            + properties.maxImportSize().toMegabytes()
                            + " MB, promptengine.analytics.reconciliation.max-import-size); split the export by date");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ImportRefusedException(null, null, "The body is not UTF-8 text");
        }
    }

    private static LinkedHashMap<String, Object> describe(ProviderImport stored, ImportComparison.Comparison answer) {
        var filters = new LinkedHashMap<String, Object>();
        filters.put("import_id", stored.id().toString());
        filters.put("format", stored.format());
        filters.put("from", answer.from().toString());
        filters.put("to", answer.to().toString());
        filters.put("lines", stored.lines().size());
        filters.put("billed_cost", answer.totals().billedCost());
        return filters;
    }
}
