package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** RFC 9457 answers of the query, drill-down, export, audit, dead-letter, key, reconciliation, repricing, live and reporting-role endpoints, naming the offending parameter. */
@RestControllerAdvice(
        basePackages = {
            "dev.promptengine.analytics.query",
            "dev.promptengine.analytics.drilldown",
            "dev.promptengine.analytics.export",
            "dev.promptengine.analytics.audit",
            "dev.promptengine.analytics.deadletter",
            "dev.promptengine.analytics.keys",
            "dev.promptengine.analytics.reconciliation",
            "dev.promptengine.analytics.repricing",
            "dev.promptengine.analytics.live",
            "dev.promptengine.analytics.reporting"
        })
public class QueryProblems {

    /** Thrown when an execution (or another addressed resource) is not in the caller's tenant. */
    public static class NotFoundException extends RuntimeException {
        public NotFoundException(String message) {
            super(message);
        }
    }

    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalidParameter(InvalidParameterException e) {
        return badRequest(e.parameter(), e.getMessage());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ProblemDetail missingParameter(MissingServletRequestParameterException e) {
        return badRequest(e.getParameterName(), "'" + e.getParameterName() + "' is required");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return badRequest(e.getName(), "'" + e.getName() + "' has an invalid value: '" + e.getValue() + "'");
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setType(Problems.type("not-found"));
        return problem;
    }

    /** The API pool's statement timeout ({@code promptengine.analytics.query-timeout}) cut the query. */
    @ExceptionHandler(org.springframework.dao.QueryTimeoutException.class)
    ProblemDetail queryTimeout(org.springframework.dao.QueryTimeoutException e) {
        var problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                "The query ran longer than the API's statement timeout and was cancelled; narrow the range or"
                        + " the filters, or retry when the database is less busy");
        problem.setType(Problems.type("query-timeout"));
        problem.setTitle("Query timeout");
        return problem;
    }

    private static ProblemDetail badRequest(String parameter, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setType(Problems.type("invalid-parameter"));
        problem.setTitle("Invalid parameter");
        problem.setProperty("parameter", parameter);
        return problem;
    }
}
