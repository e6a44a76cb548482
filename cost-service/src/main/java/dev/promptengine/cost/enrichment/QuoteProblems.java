package dev.promptengine.cost.enrichment;

import dev.promptengine.cost.pricing.ForbiddenFieldException;
import dev.promptengine.service.auth.Problems;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** RFC 9457 answers for the quote endpoint, each naming the field with its path ({@code executions[3].occurred_at}). */
@RestControllerAdvice(assignableTypes = QuoteController.class)
class QuoteProblems {

    @ExceptionHandler(QuoteController.InvalidQuoteException.class)
    ProblemDetail invalid(QuoteController.InvalidQuoteException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-parameter", e.field(), e.getMessage());
    }

    @ExceptionHandler(ForbiddenFieldException.class)
    ProblemDetail forbidden(ForbiddenFieldException e) {
        return problem(HttpStatus.FORBIDDEN, "forbidden", e.field(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                "executions",
                "request body is not JSON: " + e.getMostSpecificCause().getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String field, String message) {
        var problem = ProblemDetail.forStatusAndDetail(status, field + " " + message);
        problem.setType(Problems.type(slug));
        problem.setProperty("errors", List.of(Map.of("field", field, "message", message)));
        return problem;
    }
}
