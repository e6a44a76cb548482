package dev.promptengine.analytics.rebuild;

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

/** {@code POST /v1/admin/rollups/rebuild?from=&to=}: the rebuild command over HTTP, for admins. */
@RestController
@RequiresRole(Role.ADMIN)
class RebuildController {

    private final RollupRebuilder rebuilder;

    RebuildController(RollupRebuilder rebuilder) {
        this.rebuilder = rebuilder;
    }

    @PostMapping("/v1/admin/rollups/rebuild")
    RollupRebuilder.Result rebuild(
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        return rebuilder.rebuild(from, to);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRange(IllegalArgumentException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(Problems.type("invalid-range"));
        return problem;
    }
}
