package dev.promptengine.analytics.export;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.drilldown.ExecutionCriteria;
import dev.promptengine.analytics.drilldown.UsageSearch;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/export/usages}: every usage (render) matching the drill-down filters, newest
 * first, as CSV or JSON Lines, written while the database cursor advances (no row list in memory).
 */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "export", description = "Streamed exports of raw facts (analyst)")
class UsageExportController {

    static final String[] HEADER = {
        "id",
        "occurred_at",
        "prompt_slug",
        "prompt_version",
        "environment",
        "session_id",
        "user_identifier",
        "capture_mode"
    };

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Clock clock;
    private final AuditTrail audit;
    private final UsageSearch search;

    UsageExportController(Clock clock, AuditTrail audit, UsageSearch search) {
        this.clock = clock;
        this.audit = audit;
        this.search = search;
    }

    @GetMapping("/v1/export/usages")
    @Operation(
            summary = "Export usages as CSV or JSON Lines",
            description = "Newest first, streamed; the drill-down's filters (provider and model do not apply to"
                    + " renders). format=csv: RFC 4180 (UTF-8, CRLF) with a header line; format=jsonl: one JSON"
                    + " object per line with the same snake_case fields. Default range: the last 7 days.")
    void export(
            Caller caller,
            @ParameterObject FilterParameters parameters,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {"csv", "jsonl"},
                                            defaultValue = "csv"))
                    @RequestParam(required = false)
                    String format,
            HttpServletResponse response)
            throws IOException {
        boolean jsonLines = jsonLines(format);
        var filter = parameters.resolve(clock, ExecutionCriteria.DEFAULT_RANGE);
        response.setContentType(jsonLines ? "application/jsonl;charset=UTF-8" : "text/csv;charset=UTF-8");
        response.setHeader(
                HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"usages." + (jsonLines ? "jsonl" : "csv") + "\"");
        var writer = new BufferedWriter(
                new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8), 64 * 1024);
        var csv = new CsvWriter(writer);
        if (!jsonLines) {
            csv.line((Object[]) HEADER);
        }
        long rows = search.stream(caller.tenant(), filter, row -> {
            Object[] fields = {
                row.id(),
                row.occurredAt(),
                row.promptSlug(),
                row.promptVersion(),
                row.environment(),
                row.sessionId(),
                row.userIdentifier(),
                row.captureMode()
            };
            if (jsonLines) {
                jsonLine(writer, fields);
            } else {
                csv.line(fields);
            }
        });
        writer.flush();
        var described = new LinkedHashMap<String, Object>(filter.describe());
        described.put("format", jsonLines ? "jsonl" : "csv");
        audit.record(caller, "GET /v1/export/usages", described, rows);
    }

    private static boolean jsonLines(String format) {
        if (format == null || format.equals("csv")) {
            return false;
        }
        if (format.equals("jsonl")) {
            return true;
        }
        throw new InvalidParameterException("format", "format must be csv or jsonl");
    }

    private static void jsonLine(java.io.Writer writer, Object[] fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        for (int i = 0; i < HEADER.length; i++) {
            Object value = fields[i];
            line.put(HEADER[i], value == null || value instanceof Number ? value : value.toString());
        }
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
