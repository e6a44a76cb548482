package dev.promptengine.service.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Answers 403 when the caller's role is not among those the endpoint declares, and fails closed:
 * a {@code /v1/} handler reached without a caller (whatever let it through) answers 401.
 */
class RoleInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        var caller = (Caller) request.getAttribute(ApiKeyFilter.CALLER_ATTRIBUTE);
        if (!(handler instanceof HandlerMethod method)) {
            return true; // static resources and the like: no endpoint to protect
        }
        if (caller == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            Problems.write(response, HttpStatus.UNAUTHORIZED, "unauthorized", "Missing API key");
            return false;
        }
        RequiresRole required = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), RequiresRole.class);
        if (required == null) {
            required = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RequiresRole.class);
        }
        if (required == null || !Arrays.asList(required.value()).contains(caller.role())) {
            Problems.write(
                    response,
                    HttpStatus.FORBIDDEN,
                    "forbidden",
                    "Role " + caller.role().name().toLowerCase() + " may not call this endpoint"
                            + (required == null ? "" : "; it needs " + describe(required.value())));
            return false;
        }
        return true;
    }

    private static String describe(Role[] roles) {
        return String.join(
                " or ", Arrays.stream(roles).map(r -> r.name().toLowerCase()).toList());
    }
}
