package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.Problems;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** RFC 9457 answers for the pricing API, each naming the field that is wrong. */
@RestControllerAdvice(assignableTypes = {PricingController.class, DiscountController.class})
class PricingProblems {

    private static final String EXCLUSION_VIOLATION = "23P01";
    private static final String CHECK_VIOLATION = "23514";

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ProblemDetail invalid(MethodArgumentNotValidException e) {
        var errors = e.getBindingResult().getFieldErrors().stream()
                .map(error ->
                        Map.of("field", snake(error.getField()), "message", String.valueOf(error.getDefaultMessage())))
                .toList();
        var first = errors.get(0);
        return problem(
                HttpStatus.BAD_REQUEST, "invalid-price", first.get("field") + " " + first.get("message"), errors);
    }

    @ExceptionHandler(InvalidPriceException.class)
    ProblemDetail invalid(InvalidPriceException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "invalid-price",
                e.field() + " " + e.getMessage(),
                List.of(Map.of("field", e.field(), "message", e.getMessage())));
    }

    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalid(InvalidParameterException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                "'" + e.parameter() + "' " + e.getMessage(),
                List.of(Map.of("field", e.parameter(), "message", e.getMessage())));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "invalid-price",
                "Request body is not a valid price: " + e.getMostSpecificCause().getMessage(),
                List.of());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
        return problem(
                HttpStatus.BAD_REQUEST,
                "invalid-parameter",
                e.getName() + " is not valid: " + e.getValue(),
                List.of(Map.of("field", e.getName(), "message", "is not valid")));
    }

    @ExceptionHandler(ForbiddenFieldException.class)
    ProblemDetail forbidden(ForbiddenFieldException e) {
        return problem(
                HttpStatus.FORBIDDEN,
                "forbidden",
                e.field() + ": " + e.getMessage(),
                List.of(Map.of("field", e.field(), "message", e.getMessage())));
    }

    /** Spring Data JDBC wraps what the database refused. */
    @ExceptionHandler(DbActionExecutionException.class)
    ProblemDetail refused(DbActionExecutionException e) {
        if (e.getCause() instanceof DataIntegrityViolationException violation) {
            return conflict(violation);
        }
        throw e;
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ProblemDetail conflict(DataIntegrityViolationException e) {
        String state = e.getMostSpecificCause() instanceof SQLException sql ? sql.getSQLState() : null;
        if (EXCLUSION_VIOLATION.equals(state)
                && String.valueOf(e.getMostSpecificCause().getMessage()).contains("price_discounts_no_overlap")) {
            return problem(
                    HttpStatus.CONFLICT,
                    "discount-overlap",
                    "effective range overlaps another discount of the tenant for the same provider and model: "
                            + e.getMostSpecificCause().getMessage(),
                    List.of(Map.of("field", "effective_from", "message", "overlaps another discount")));
        }
        if (EXCLUSION_VIOLATION.equals(state)) {
            return problem(
                    HttpStatus.CONFLICT,
                    "price-overlap",
                    "effective range overlaps another price for the same provider and model in its layer: "
                            + e.getMostSpecificCause().getMessage(),
                    List.of(Map.of("field", "effective_from", "message", "overlaps another price")));
        }
        if (CHECK_VIOLATION.equals(state)) {
            return problem(
                    HttpStatus.BAD_REQUEST,
                    "invalid-price",
                    e.getMostSpecificCause().getMessage(),
                    List.of());
        }
        throw e;
    }

    private static ProblemDetail problem(
            HttpStatus status, String slug, String detail, List<Map<String, String>> errors) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(Problems.type(slug));
        if (!errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z0-9])", "$1_$2").toLowerCase();
    }
}
