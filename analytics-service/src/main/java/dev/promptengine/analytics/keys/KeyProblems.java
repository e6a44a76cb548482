package dev.promptengine.analytics.keys;

import dev.promptengine.service.auth.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * RFC 9457 answers of the key endpoints beyond invalid parameters (those answer as everywhere in
 * the API, {@code problems/invalid-parameter} naming the field).
 */
@RestControllerAdvice(basePackageClasses = KeysController.class)
class KeyProblems {

    /** Not a managed key the caller may see: unknown, of another tenant, or from configuration. */
    static class KeyNotFoundException extends RuntimeException {
        KeyNotFoundException(String message) {
            super(message);
        }
    }

    /** The caller's role may not do this to this tenant or role; nothing was changed. */
    static class KeyForbiddenException extends RuntimeException {
        private final String field;

        KeyForbiddenException(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** The key is revoked or expired, or was rotated already; nothing was changed. */
    static class KeyNotActiveException extends RuntimeException {
        KeyNotActiveException(String message) {
            super(message);
        }
    }

    @ExceptionHandler(KeyNotFoundException.class)
    ProblemDetail notFound(KeyNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", e.getMessage());
    }

    @ExceptionHandler(KeyForbiddenException.class)
    ProblemDetail forbidden(KeyForbiddenException e) {
        var problem = problem(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
        problem.setProperty("parameter", e.field);
        return problem;
    }

    @ExceptionHandler(KeyNotActiveException.class)
    ProblemDetail notActive(KeyNotActiveException e) {
        return problem(HttpStatus.CONFLICT, "key-not-active", e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        var problem = problem(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                "The body must be a JSON object {\"tenant\", \"role\", \"name\"}");
        problem.setTitle("Invalid parameter");
        problem.setProperty("parameter", "body");
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String slug, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        return problem;
    }
}
