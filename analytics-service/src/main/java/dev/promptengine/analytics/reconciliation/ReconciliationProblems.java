package dev.promptengine.analytics.reconciliation;

import dev.promptengine.service.auth.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * RFC 9457 answers of the reconciliation endpoints beyond invalid parameters (those answer as
 * everywhere in the API, {@code problems/invalid-parameter} naming the parameter).
 */
@RestControllerAdvice(basePackageClasses = ReconciliationController.class)
class ReconciliationProblems {

    /** Not an import of the caller's tenant. */
    static class ImportNotFoundException extends RuntimeException {
        ImportNotFoundException(String message) {
            super(message);
        }
    }

    /** The import's body is not declared as CSV. */
    static class NotCsvException extends RuntimeException {
        NotCsvException(String message) {
            super(message);
        }
    }

    @ExceptionHandler(NotCsvException.class)
    ProblemDetail notCsv(NotCsvException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
        problem.setType(Problems.type("unsupported-media-type"));
        return problem;
    }

    /** 400 {@code problems/invalid-import}: {@code column} and {@code line} name what is wrong where known. */
    @ExceptionHandler(ImportRefusedException.class)
    ProblemDetail refused(ImportRefusedException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(Problems.type("invalid-import"));
        problem.setTitle("Invalid import");
        problem.setProperty("parameter", "body");
        if (e.column() != null) {
            problem.setProperty("column", e.column());
        }
        if (e.line() != null) {
            problem.setProperty("line", e.line());
        }
        return problem;
    }

    @ExceptionHandler(ImportNotFoundException.class)
    ProblemDetail notFound(ImportNotFoundException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setType(Problems.type("not-found"));
        return problem;
    }
}
