package dev.promptengine.analytics.rebuild;

import dev.promptengine.analytics.audit.AuditTrail;
import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.Problems;
import dev.promptengine.service.auth.RequiresRole;
import dev.promptengine.service.auth.Role;
import java.time.Instant;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/admin/rollups/rebuild?from=&to=}: the rebuild command over HTTP. It recomputes
 * every tenant's rollups, so it is the platform admin's (audited); a tenant admin gets 403.
 */
@RestController
@RequiresRole(Role.PLATFORM_ADMIN)
class RebuildController {

    private final RollupRebuilder rebuilder;
    private final AuditTrail audit;

    RebuildController(RollupRebuilder rebuilder, AuditTrail audit) {
        this.rebuilder = rebuilder;
        this.audit = audit;
    }

    @PostMapping("/v1/admin/rollups/rebuild")
    RollupRebuilder.Result rebuild(
            Caller caller,
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        var result = rebuilder.rebuild(from, to);
        audit.record(
                caller,
                "POST /v1/admin/rollups/rebuild",
                java.util.Map.of(
                        "from", result.from().toString(), "to", result.to().toString()),
                result.rollupRows());
        return result;
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRange(IllegalArgumentException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(Problems.type("invalid-range"));
        return problem;
    }
}
