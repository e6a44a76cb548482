package dev.promptengine.analytics.export;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.analytics.filter.FilterParameters;
import dev.promptengine.analytics.query.NamedReports;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/export/reports/{report}}: the answer of any analytics report, with the same
 * parameters as its endpoint, as a CSV or JSON Lines table ({@link ReportTable}). The report is
 * answered and audited by its endpoint's own code first, so a bad parameter is a 400 before a byte
 * is written; aggregates are bounded (at most 5000 buckets a series), so the table is built in
 * memory and then written.
 */
@RestController
@RequiresRole(Role.ANALYST)
@Tag(name = "export", description = "Streamed exports of raw facts (analyst)")
class ReportExportController {

    private final NamedReports reports;
    private final JsonMapper json;
    private final AuditTrail audit;

    ReportExportController(NamedReports reports, JsonMapper json, AuditTrail audit) {
        this.reports = reports;
        this.json = json;
        this.audit = audit;
    }

    @GetMapping("/v1/export/reports/{report}")
    @Operation(
            summary = "Export an analytics report as CSV or JSON Lines",
            description = "The report's answer (the same parameters and defaults as its /v1/analytics endpoint;"
                    + " prompt-performance and version-comparison take the slug from `prompt`) as one table: a"
                    + " `section` column names the list a row comes from (`summary` for the top-level values,"
                    + " first), nested values are flattened with dots, money stays the exact decimal string.")
    void export(
            Caller caller,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {
                                                "usage-stats",
                                                "cost-breakdown",
                                                "error-analysis",
                                                "top-prompts",
                                                "timeseries",
                                                "prompt-performance",
                                                "version-comparison"
                                            }))
                    @PathVariable
                    String report,
            @ParameterObject FilterParameters parameters,
            @Parameter(
                            schema =
                                    @Schema(
                                            allowableValues = {"csv", "jsonl"},
                                            defaultValue = "csv"))
                    @RequestParam(required = false)
                    String format,
            @Parameter(description = "cost-breakdown, timeseries: as on their endpoints")
                    @RequestParam(name = "group_by", required = false)
                    String groupBy,
            @Parameter(description = "top-prompts: 1..100") @RequestParam(required = false) String limit,
            @Parameter(description = "timeseries: as on its endpoint") @RequestParam(required = false) String metric,
            @Parameter(description = "timeseries: hour or day") @RequestParam(required = false) String bucket,
            @Parameter(description = "version-comparison: two versions, as 2,3") @RequestParam(required = false)
                    String versions,
            HttpServletResponse response)
            throws IOException {
        var tableFormat = TableFormat.of(format);
        var options = new LinkedHashMap<String, String>();
        put(options, "group_by", groupBy);
        put(options, "limit", limit);
        put(options, "metric", metric);
        put(options, "bucket", bucket);
        put(options, "versions", versions);
        var table = ReportTable.of(json.valueToTree(reports.answer(report, caller, parameters, options)));

        var out = tableFormat.open(response, report, table.columns());
        var rows = table.rows();
        rows.forEach(out::line);
        out.finish();
        var described = new LinkedHashMap<String, Object>(options);
        described.put("report", report);
        described.put("format", tableFormat.extension);
        audit.record(caller, "GET /v1/export/reports/{report}", described, rows.size());
    }

    private static void put(Map<String, String> options, String name, String value) {
        if (value != null) {
            options.put(name, value);
        }
    }
}
