package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.service.auth.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;

/** RFC 9457 answers of the alert endpoints, naming the offending field. */
@RestControllerAdvice(basePackageClasses = AlertRulesController.class)
class AlertProblems {

    /** Unknown rule, or another tenant's. */
    static class NotFoundException extends RuntimeException {
        NotFoundException(String message) {
            super(message);
        }
    }

    /** The caller's role may not do this to this rule; nothing changed. */
    static class ForbiddenException extends RuntimeException {
        private final String field;

        ForbiddenException(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** The rule is not in a state that allows it (acknowledging a rule that is not firing). */
    static class ConflictException extends RuntimeException {
        ConflictException(String message) {
            super(message);
        }
    }

    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalid(InvalidParameterException e) {
        return badRequest(e.parameter(), e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        return badRequest(e.getName(), "'" + e.getName() + "' has an invalid value: '" + e.getValue() + "'");
    }

    /** A body that is not JSON, or a field of the wrong type: named by its JSON path. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        if (e.getCause() instanceof JacksonException json && !json.getPath().isEmpty()) {
            var field = new StringBuilder();
            for (var reference : json.getPath()) {
                if (reference.getPropertyName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
                }
            }
            if (!field.isEmpty()) {
                return badRequest(field.toString(), "'" + field + "' has a value of the wrong type");
            }
        }
        return badRequest("body", "The body must be a JSON object");
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", e.getMessage());
    }

    @ExceptionHandler(ForbiddenException.class)
    ProblemDetail forbidden(ForbiddenException e) {
        var problem = problem(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
        problem.setProperty("parameter", e.field);
        return problem;
    }

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return problem(HttpStatus.CONFLICT, "alert-not-firing", e.getMessage());
    }

    private static ProblemDetail badRequest(String parameter, String detail) {
        var problem = problem(HttpStatus.BAD_REQUEST, "invalid-parameter", detail);
        problem.setTitle("Invalid parameter");
        problem.setProperty("parameter", parameter);
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        return problem;
    }
}
