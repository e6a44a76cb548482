package dev.promptengine.service.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Authenticates every request outside {@link PublicPaths} by its bearer API key: 401 without a known
 * key. It decides on the decoded path, the one the router matches ({@link RequestFirewall} has already
 * refused every other spelling of it). Actuator endpoints beyond the health probes (metrics,
 * Prometheus, info) also need the admin role: they describe every tenant.
 */
class ApiKeyFilter extends OncePerRequestFilter {

    static final String CALLER_ATTRIBUTE = Caller.class.getName();
    private static final String BEARER = "Bearer ";

    private static final UrlPathHelper PATHS = new UrlPathHelper(); // decodes, drops ';' content

    private final ApiKeys keys;

    ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // CORS preflights carry no credentials by design; the CORS configuration answers them.
        return CorsUtils.isPreFlightRequest(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (PublicPaths.matches(decodedPath(request))) {
            // open to all; a known key is still recognised (health details are shown to admins only)
            var known = header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? java.util.Optional.<Caller>empty()
                    : keys.find(header.substring(BEARER.length()).trim());
            chain.doFilter(known.isPresent() ? new CallerRequest(request, known.get()) : request, response);
            return;
        }
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            Problems.write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "unauthorized",
                    "Missing API key: send 'Authorization: Bearer <key>'");
            return;
        }
        var caller = keys.find(header.substring(BEARER.length()).trim());
        if (caller.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            Problems.write(response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unknown API key");
            return;
        }
        Role role = caller.get().role();
        if (decodedPath(request).startsWith("/actuator/") && role != Role.ADMIN && role != Role.PLATFORM_ADMIN) {
            Problems.write(
                    response,
                    HttpStatus.FORBIDDEN,
                    "forbidden",
                    "Actuator endpoints other than health need an admin or platform-admin key");
            return;
        }
        request.setAttribute(CALLER_ATTRIBUTE, caller.get());
        chain.doFilter(new CallerRequest(request, caller.get()), response);
    }

    /**
     * The request as the servlet API sees an authenticated one: the key's name as principal and its
     * role as the only role, so the actuator's {@code show-details: when-authorized} with {@code
     * roles: ADMIN, PLATFORM_ADMIN} shows health details to admins only.
     */
    private static final class CallerRequest extends jakarta.servlet.http.HttpServletRequestWrapper {

        private final Caller caller;

        CallerRequest(HttpServletRequest request, Caller caller) {
            super(request);
            this.caller = caller;
            request.setAttribute(CALLER_ATTRIBUTE, caller);
        }

        @Override
        public java.security.Principal getUserPrincipal() {
            return caller::keyName;
        }

        @Override
        public String getRemoteUser() {
            return caller.keyName();
        }

        @Override
        public boolean isUserInRole(String role) {
            String name = caller.role().name();
            return name.equalsIgnoreCase(role) || ("ROLE_" + name).equalsIgnoreCase(role);
        }
    }

    private static String decodedPath(HttpServletRequest request) {
        return PATHS.getPathWithinApplication(request);
    }
}
