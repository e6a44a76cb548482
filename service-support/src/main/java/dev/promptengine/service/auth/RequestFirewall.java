package dev.promptengine.service.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 400 to any request whose path is not spelled in its one canonical form, before anything
 * else sees it. Authentication decides on the decoded path and the router matches the decoded path
 * too, but the two decode in different code (servlet container, {@code UrlPathHelper},
 * {@code PathPatternParser}); refusing every spelling that decoding or normalisation could change
 * ({@code /%761/prices}, {@code /v1;x/prices}, {@code //v1}, {@code /v1/./prices}, {@code %2F},
 * backslashes, control characters) leaves exactly one path for both to agree on. Percent-encoding
 * stays allowed where it is needed: for reserved and non-ASCII characters other than {@code / \ ; . %}.
 */
class RequestFirewall extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var reason = rejectionReason(request.getRequestURI());
        if (reason.isPresent()) {
            Problems.write(response, HttpStatus.BAD_REQUEST, "non-canonical-path", "Request path " + reason.get());
            return;
        }
        chain.doFilter(request, response);
    }

    /** Why a raw (undecoded) request path is refused, or empty when it is canonical. */
    static Optional<String> rejectionReason(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return Optional.of("must start with '/'");
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Optional.of("contains a control character");
            }
            if (c == ';') {
                return Optional.of("contains ';' (matrix parameters are not accepted)");
            }
            if (c == '\\') {
                return Optional.of("contains a backslash");
            }
            if (c == '%') {
                var decoded = percentDecoded(rawPath, i);
                if (decoded < 0) {
                    return Optional.of("contains a malformed percent-encoding");
                }
                if (mustNotBeEncoded(decoded)) {
                    return Optional.of("percent-encodes a character that must be sent as is ('" + (char) decoded
                            + "' as " + rawPath.substring(i, i + 3) + ")");
                }
                if (decoded < 0x20 || decoded == 0x7f) {
                    return Optional.of("contains an encoded control character");
                }
            }
        }
        if (rawPath.contains("//")) {
            return Optional.of("contains an empty segment ('//')");
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("contains a dot segment ('" + segment + "')");
            }
        }
        return Optional.empty();
    }

    private static int percentDecoded(String raw, int at) {
        if (at + 2 >= raw.length()) {
            return -1;
        }
        int high = Character.digit(raw.charAt(at + 1), 16);
        int low = Character.digit(raw.charAt(at + 2), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    /** Unreserved characters (RFC 3986 §2.3) and the path's own delimiters must never arrive encoded. */
    private static boolean mustNotBeEncoded(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '~'
                || c == '.'
                || c == '/'
                || c == '\\'
                || c == ';'
                || c == '%';
    }
}
